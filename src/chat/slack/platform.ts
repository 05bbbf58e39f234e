import type { ChatPostMessageResponse, WebClient } from '@slack/web-api';
import type { Alert } from '../../alerts/types';
import type { Logger } from '../../logging/logger';
import { blindMessage, digestMessage, type BlindView, type DigestView } from '../../cards';
import { escalationIntro } from '../../cards/escalation';
import type { BudgetGrant } from '../../store/outbox-store';
import { systemTime, type Timekeeper } from '../../time/clock';
import type { ChatPlatform } from '../../delivery/chat-platform';
import type { CardOptions, MessageRef } from '../../delivery/types';
import { DeliveryError } from '../../delivery/chat-platform';
import { ChannelQueue, type ChannelQueueOptions } from './channel-queue';
import { classifySlackError, SetupProblemReporter, toDeliveryError, type SlackFailure } from './errors';
import { escapeMrkdwn } from './mrkdwn';

/** A rendered Slack message: fallback text plus Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

/** Metadata event type that tags every alert card (crash reconciliation). */
export const ALERT_EVENT_TYPE = 'firstwatch_alert';

export interface SlackPlatformOptions {
  /** A WebClient that does not retry 429s itself (the queue owns them). */
  client: WebClient;
  render: (alert: Alert) => SlackMessage;
  logger: Logger;
  queue?: Partial<Omit<ChannelQueueOptions, 'rateLimitOf'>>;
  /** conversations.history pages (of 200) findPosted reads before concluding "never posted". */
  reconcilePages?: number;
  /**
   * Takes a slot of the workspace-wide chat.update budget (Slack: Tier 3, about
   * 50 a minute for the whole app, whichever channel), shared by every replica
   * through the store. Without it only the per-channel pacing applies.
   */
  updateBudget?: () => Promise<BudgetGrant>;
}

/** Slack's chat.update is a Tier 3 method: about 50 calls a minute per workspace. */
export const CHAT_UPDATE_BUDGET = { key: 'slack:chat.update', limit: 50, windowMs: 60_000 } as const;

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

function alertMetadata(alert: Alert): { event_type: string; event_payload: Record<string, string | number> } {
  return { event_type: ALERT_EVENT_TYPE, event_payload: { alert_id: alert.id, version: alert.version } };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** Whether a conversations.history message is the card for `alertId`. */
export function isCardFor(message: unknown, alertId: string): boolean {
  const metadata = record(record(message)?.metadata);
  return metadata?.event_type === ALERT_EVENT_TYPE && record(metadata.event_payload)?.alert_id === alertId;
}

/**
 * FirstWatch's Slack channel: cards as chat.postMessage with metadata, updates
 * as chat.update, thread replies; every call paced per channel.
 */
export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly queue: ChannelQueue;
  readonly setupProblems: SetupProblemReporter;
  private readonly client: WebClient;
  private readonly render: (alert: Alert) => SlackMessage;
  private readonly logger: Logger;
  private readonly reconcilePages: number;
  private readonly updateBudget: (() => Promise<BudgetGrant>) | undefined;
  private readonly time: Timekeeper;
  /** Posts whose outcome is unknown (network error, 5xx): look before posting again. */
  private readonly uncertain = new Set<string>();

  constructor(options: SlackPlatformOptions) {
    this.client = options.client;
    this.render = options.render;
    this.logger = options.logger;
    this.reconcilePages = options.reconcilePages ?? 5;
    this.updateBudget = options.updateBudget;
    this.time = options.queue?.time ?? systemTime;
    this.setupProblems = new SetupProblemReporter(options.logger);
    this.queue = new ChannelQueue({
      ...options.queue,
      rateLimitOf: (err) => {
        const f = classifySlackError(err);
        return f.code === 'ratelimited' ? (f.retryAfterMs ?? 1000) : undefined;
      },
    });
  }

  async postAlert(target: string, alert: Alert, options?: CardOptions): Promise<MessageRef> {
    checkChannel(target);
    const key = `${target}|${alert.id}`;
    if (this.uncertain.has(key)) {
      const found = await this.findPosted(target, alert);
      if (found) {
        this.uncertain.delete(key);
        return found;
      }
    }
    const message = this.escalationCopy(this.renderChecked(alert), alert, options);
    const res = await this.call('chat.postMessage', target, key, () =>
      this.queue.post(target, () =>
        this.client.chat.postMessage({
          channel: target,
          text: message.text,
          blocks: message.blocks as never,
          metadata: alertMetadata(alert),
          unfurl_links: false,
          unfurl_media: false,
        }),
      ),
    );
    this.uncertain.delete(key);
    const ts = tsOf(res);
    return { platform: 'slack', target, messageId: ts, threadId: ts };
  }

  async findPosted(target: string, alert: Alert): Promise<MessageRef | undefined> {
    checkChannel(target);
    // The card cannot be older than the alert (a minute of slack for clock skew).
    const oldest = ((alert.createdAt.getTime() - 60_000) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < this.reconcilePages; page += 1) {
      const res = await this.call('conversations.history', target, undefined, () =>
        this.client.conversations.history({
          channel: target,
          include_all_metadata: true,
          limit: 200,
          oldest,
          ...(cursor !== undefined ? { cursor } : {}),
        }),
      );
      const hit = (res.messages ?? []).find((m) => isCardFor(m, alert.id));
      if (hit !== undefined && typeof hit.ts === 'string') {
        return { platform: 'slack', target, messageId: hit.ts, threadId: hit.ts };
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || cursor === undefined) return undefined;
    }
    this.logger.warn({ channel: target, alertId: alert.id }, 'Slack: reconciliation read its page limit without finding the card');
    return undefined;
  }

  async updateAlert(ref: MessageRef, alert: Alert, options?: CardOptions): Promise<void> {
    checkRef(ref);
    const message = this.escalationCopy(this.renderChecked(alert), alert, options);
    await this.call('chat.update', ref.target, undefined, () =>
      this.queue.update(ref.target, ref.messageId, alert.version, async () => {
        await this.withinUpdateBudget(ref.target);
        return this.client.chat.update({
          channel: ref.target,
          ts: ref.messageId,
          text: message.text,
          blocks: message.blocks as never,
          metadata: alertMetadata(alert),
        });
      }),
    );
  }

  /** Waits for nothing: when the workspace's chat.update budget is spent the redraw is handed back to the outbox for later. */
  private async withinUpdateBudget(channel: string): Promise<void> {
    if (this.updateBudget === undefined) return;
    const grant = await this.updateBudget();
    if (!grant.granted) {
      throw new DeliveryError(
        `Slack chat.update in ${channel}: the workspace's budget of ${CHAT_UPDATE_BUDGET.limit} a minute is spent; next slot in ${Math.ceil(grant.retryAfterMs / 1000)} s`,
        'retry',
        grant.retryAfterMs,
      );
    }
  }

  /**
   * A hunt's answer is not in the outbox to come back later, so it waits for a
   * slot (any slot frees within the budget's window) rather than being handed back.
   * Waited outside the channel's queue, so the channel's other messages go on.
   */
  private async awaitUpdateBudget(channel: string): Promise<void> {
    if (this.updateBudget === undefined) return;
    const deadline = this.time.now().getTime() + 2 * CHAT_UPDATE_BUDGET.windowMs;
    for (;;) {
      const grant = await this.updateBudget();
      if (grant.granted) return;
      if (this.time.now().getTime() + grant.retryAfterMs > deadline) {
        throw new DeliveryError(
          `Slack chat.update in ${channel}: no slot of the workspace's budget of ${CHAT_UPDATE_BUDGET.limit} a minute came free in ${Math.round((2 * CHAT_UPDATE_BUDGET.windowMs) / 1000)} s`,
          'retry',
          grant.retryAfterMs,
        );
      }
      await this.time.sleep(Math.max(1, grant.retryAfterMs));
    }
  }

  async postDigest(target: string, digest: DigestView): Promise<MessageRef> {
    return this.postPaced('chat.postMessage (storm digest)', target, digestMessage(digest));
  }

  async postBlind(target: string, view: BlindView): Promise<MessageRef> {
    return this.postPaced('chat.postMessage (blind detection)', target, blindMessage(view));
  }

  /** A message of FirstWatch's own (not an alert card) posted in the channel's paced lane. */
  private async postPaced(label: string, target: string, message: { text: string; blocks: unknown[] }): Promise<MessageRef> {
    checkChannel(target);
    const res = await this.call(label, target, undefined, () =>
      this.queue.post(target, () =>
        this.client.chat.postMessage({
          channel: target,
          text: message.text,
          blocks: message.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
        }),
      ),
    );
    const ts = tsOf(res);
    return { platform: 'slack', target, messageId: ts, threadId: ts };
  }

  /** The escalation copy opens with the on-call mention and who escalated it; other copies are left as rendered. */
  private escalationCopy(message: SlackMessage, alert: Alert, options: CardOptions | undefined): SlackMessage {
    if (options?.escalation === undefined) return message;
    const mention = options.escalation.mention?.id;
    const intro = `:rotating_light: ${mention !== undefined ? `${mention} ` : ''}${escapeMrkdwn(escalationIntro(alert))}`;
    return {
      ...message,
      text: `${mention !== undefined ? `${mention} ` : ''}${message.text}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: intro.slice(0, 3000), verbatim: true } }, ...message.blocks],
    };
  }

  async replyInThread(ref: MessageRef, text: string): Promise<void> {
    checkRef(ref);
    if (text.trim().length === 0) throw new DeliveryError('Slack reply is empty', 'fatal');
    await this.call('chat.postMessage (thread reply)', ref.target, undefined, () =>
      this.queue.post(ref.target, () =>
        this.client.chat.postMessage({
          channel: ref.target,
          thread_ts: ref.threadId ?? ref.messageId,
          text: escapeMrkdwn(text),
          // The line may quote a note: no link previews, no auto-linked names or URLs.
          unfurl_links: false,
          unfurl_media: false,
          parse: 'none',
        }),
      ),
    );
  }

  /** Posts an answer to someone (hunt notes, replies to mentions) ahead of queued cards; returns its ts. */
  async postMessage(channel: string, message: { text: string; blocks?: unknown[]; threadTs?: string }): Promise<string> {
    checkChannel(channel);
    const res = await this.call(
      'chat.postMessage',
      channel,
      undefined,
      () =>
        this.queue.post(
          channel,
          () =>
            this.client.chat.postMessage({
              channel,
              text: message.text,
              ...(message.blocks !== undefined ? { blocks: message.blocks as never } : {}),
              ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
              unfurl_links: false,
            }),
          { urgent: true },
        ),
      false,
    );
    return tsOf(res);
  }

  /**
   * Replaces an answer FirstWatch posted (a hunt note becomes its report), ahead of queued cards.
   * It is a chat.update like a card's redraw, so it takes a slot of the same workspace budget.
   */
  async updateMessage(channel: string, ts: string, message: { text: string; blocks?: unknown[] }): Promise<void> {
    checkChannel(channel);
    await this.awaitUpdateBudget(channel);
    await this.call(
      'chat.update',
      channel,
      undefined,
      () =>
        this.queue.post(
          channel,
          () =>
            this.client.chat.update({
              channel,
              ts,
              text: message.text,
              ...(message.blocks !== undefined ? { blocks: message.blocks as never } : { blocks: [] }),
            }),
          { urgent: true },
        ),
      false,
    );
  }

  /** 429s met so far; the channel queue waited each out. */
  rateLimitedCount(): number {
    return this.queue.rateLimitedCount;
  }

  /** The bot joined a channel: its setup problems are history. */
  channelReady(channel: string): void {
    this.setupProblems.clear(channel);
  }

  stop(): void {
    this.queue.stop();
  }

  private renderChecked(alert: Alert): SlackMessage {
    let message: SlackMessage;
    try {
      message = this.render(alert);
    } catch (err) {
      throw new DeliveryError(
        `Slack card for ${alert.id} could not be rendered: ${err instanceof Error ? err.message : String(err)}`,
        'fatal',
      );
    }
    if (typeof message.text !== 'string' || message.text.length === 0 || !Array.isArray(message.blocks)) {
      throw new DeliveryError(`Slack card for ${alert.id} rendered without fallback text or blocks`, 'fatal');
    }
    return message;
  }

  /** Runs one Slack call and turns its failure into a DeliveryError (setup problems logged once). */
  private async call<T>(
    what: string,
    channel: string,
    uncertainKey: string | undefined,
    fn: () => Promise<T>,
    deliveries = true,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const failure: SlackFailure = classifySlackError(err);
      if (failure.ambiguous && uncertainKey !== undefined) this.uncertain.add(uncertainKey);
      // Setup problems are reported for alert deliveries; a hunt note's caller answers the person instead.
      if (failure.disposition === 'wait' && deliveries) this.setupProblems.report(failure, channel);
      else if (failure.disposition === 'fatal')
        this.logger.error({ channel, slackError: failure.code }, `Slack ${what} refused: ${failure.detail}`);
      else this.logger.warn({ channel, slackError: failure.code }, `Slack ${what} failed: ${failure.detail}`);
      throw toDeliveryError(failure, `${what} in ${channel}`);
    }
  }
}

function tsOf(res: ChatPostMessageResponse): string {
  if (typeof res.ts !== 'string' || res.ts.length === 0) {
    throw new DeliveryError('Slack chat.postMessage answered ok without a ts', 'retry');
  }
  return res.ts;
}

function checkChannel(channel: string): void {
  if (typeof channel !== 'string' || !CHANNEL_ID.test(channel)) {
    throw new DeliveryError(`"${String(channel)}" is not a Slack channel id (expected C…, G… or D…); fix the configured channel`, 'wait');
  }
}

function checkRef(ref: MessageRef): void {
  if (ref.platform !== 'slack') throw new DeliveryError(`message ref for ${ref.platform} given to Slack`, 'fatal');
  checkChannel(ref.target);
  if (!/^\d+\.\d+$/.test(ref.messageId)) throw new DeliveryError(`"${ref.messageId}" is not a Slack message ts`, 'fatal');
}
