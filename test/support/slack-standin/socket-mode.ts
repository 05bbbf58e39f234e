import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Interactions } from './interactions';
import type { EnvelopeAck, SlackStandin, SocketModeSide } from './standin';
import { isRecord } from './values';
import { SocketPeer } from './websocket-peer';
import type { World } from './world';

type EnvelopeType = 'interactive' | 'slash_commands' | 'events_api';

/**
 * Slack's side of Socket Mode: accepts the app's WebSocket, says "hello", sends
 * interactions as envelopes and resolves each with the app's acknowledgement.
 */
export class SocketModeServer {
  private readonly peers = new Set<SocketPeer>();
  private readonly pendingAcks = new Map<string, (ack: EnvelopeAck) => void>();

  constructor(
    private readonly world: World,
    private readonly interactions: Interactions,
  ) {}

  /** Takes over an HTTP upgrade to /socket-mode. */
  accept(req: IncomingMessage, socket: Duplex): void {
    const peer = SocketPeer.accept(req, socket);
    if (peer === undefined) return;
    this.peers.add(peer);
    peer.onClose = () => {
      this.peers.delete(peer);
      this.world.changed();
    };
    peer.onText = (text) => {
      let ack: unknown;
      try {
        ack = JSON.parse(text);
      } catch {
        return;
      }
      const id = isRecord(ack) ? ack.envelope_id : undefined;
      if (typeof id !== 'string') return;
      const resolve = this.pendingAcks.get(id);
      this.pendingAcks.delete(id);
      resolve?.(ack as EnvelopeAck);
    };
    peer.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.peers.size,
        debug_info: { host: 'standin' },
        connection_info: { app_id: 'A0FIRSTWATCH' },
      }),
    );
    this.world.changed();
  }

  closeAll(): void {
    for (const peer of this.peers) peer.close();
  }

  side(appToken: string, waitFor: SlackStandin['waitFor']): SocketModeSide {
    const i = this.interactions;
    return {
      appToken,
      connections: () => this.peers.size,
      connected: () => waitFor(() => this.peers.size > 0, 'a Socket Mode connection').then(() => undefined),
      blockAction: (input) => this.envelope('interactive', i.blockAction(input)),
      slashCommand: (input) => this.envelope('slash_commands', i.slashCommand(input)),
      viewSubmission: (input) => this.envelope('interactive', i.viewSubmission(input)),
      event: (input) => this.envelope('events_api', i.event(input)),
    };
  }

  private envelope(type: EnvelopeType, payload: unknown): Promise<EnvelopeAck> {
    const peer = [...this.peers][0];
    if (peer === undefined) return Promise.reject(new Error('slack stand-in: no Socket Mode connection'));
    const id = this.world.nextId('env-');
    const acked = new Promise<EnvelopeAck>((resolve) => this.pendingAcks.set(id, resolve));
    peer.sendText(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return acked;
  }
}
