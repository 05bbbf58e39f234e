import type { Alert } from '../../../src/alerts/types';
import { ALERTS_CHANNEL, GatedHunt, buttonOn, huntReport, newAlert, slackHarness, type SlackHarness } from './harness';

function plainAlert(): Omit<Alert, 'createdAt' | 'updatedAt'> {
  return { ...newAlert(42), id: 'FW-42', status: 'open', version: 1 };
}

describe('Slack in Socket Mode (app token) against the stand-in', () => {
  let h: SlackHarness;
  let hunt: GatedHunt;
  beforeEach(async () => {
    hunt = new GatedHunt();
    h = await slackHarness({ socketMode: true, hunt });
  });
  afterEach(async () => {
    await h.close();
  });

  it('connects with the app token and offers no HTTP handler', async () => {
    await h.standin.socket.connected();
    expect(h.slack.mode).toBe('socket');
    expect(h.slack.httpHandler).toBeUndefined();
    expect(h.standin.callsTo('apps.connections.open')[0]).toMatchObject({ token: h.standin.socket.appToken, ok: true });
  });

  it('with interactive: false it posts but does not connect', async () => {
    const { createSlack } = await import('../../../src/chat/slack');
    const router = {
      handleText: async () => ({ kind: 'text' as const, text: '' }),
      handleAction: async () => ({ kind: 'text' as const, text: '' }),
    };
    await h.standin.socket.connected();
    const before = h.standin.callsTo('apps.connections.open').length;
    const oneShot = createSlack(
      {
        botToken: h.standin.botToken,
        appToken: h.standin.socket.appToken,
        channels: [ALERTS_CHANNEL],
        apiUrl: h.standin.url,
        huntVisibility: 'ephemeral',
        logger: h.logs.logger,
      },
      { router },
    );
    await oneShot.start({ interactive: false });
    const created = new Date();
    await oneShot.platform.postAlert(ALERTS_CHANNEL, { ...plainAlert(), createdAt: created, updatedAt: created });
    await oneShot.stop();
    expect(h.standin.callsTo('apps.connections.open')).toHaveLength(before);
    expect(h.standin.socket.connections()).toBe(1);
    expect(h.standin.messagesIn(ALERTS_CHANNEL)).toHaveLength(1);
  });

  it('acknowledges a button envelope before looking up the clicker, then acts as them', async () => {
    await h.standin.socket.connected();
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const lookup = h.standin.hold('users.info');
    const ack = await h.standin.socket.blockAction({
      user: 'U0ALICE',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value,
    });
    expect(ack.envelope_id).toMatch(/^env-/);
    await lookup.reached;
    expect((await h.store.getAlert(alert.id))?.status).toBe('open');
    lookup.release();
    expect(await h.transitioned()).toMatchObject({ id: alert.id, status: 'acknowledged', lastChange: { actor: { id: 'U0ALICE' } } });
  });

  it('answers /hunt over the socket, the result through the response_url', async () => {
    await h.standin.socket.connected();
    const ack = await h.standin.socket.slashCommand({
      command: '/hunt',
      text: 'alice@contoso.com',
      user: 'U0ALICE',
      channel: ALERTS_CHANNEL,
    });
    expect(ack.envelope_id).toBeDefined();
    await hunt.called();
    hunt.finish(huntReport('alice@contoso.com'));
    const result = await h.standin.waitFor(() => h.standin.responses[1], 'the hunt result');
    expect(JSON.stringify(result.body.blocks)).toContain('alice@contoso.com');
  });
});
