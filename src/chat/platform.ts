import type { Alert } from '../alerts/types';
import type { DigestView } from '../cards/digest/model';

export type ChatPlatformName = 'teams' | 'slack' | 'console';

/** Where a posted card lives, as the platform needs it to update or reply later. */
export interface MessageRef {
  platform: ChatPlatformName;
  /** The configured target (Slack channel id, Teams channel id, 'console'). */
  target: string;
  /** Slack message ts; Teams activity id. */
  messageId: string;
  /** Slack thread_ts / Teams conversation id of the thread; defaults to messageId. */
  threadId?: string;
}

/** Whom an escalation copy mentions (optional, added for escalation routing). */
export interface EscalationMention {
  /** Slack: the mention as Slack writes it ('<!subteam^S123>', '<@U123>', '<!here>'); Teams: the AAD object id or tag id. */
  id: string;
  /** Teams: the name the mention shows. */
  name?: string;
  /** Teams: a person or a tag. */
  kind?: 'person' | 'tag';
}

/** How one copy of a card differs from the plain card (optional, added for escalation routing). */
export interface CardOptions {
  /** The escalation copy: it opens with who escalated it, to whom and why, and mentions the on-call people. */
  escalation?: { mention?: EscalationMention };
}

/** A delivery failure the dispatcher can act on. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** retry: try again later (429, 5xx, network); wait: a setup problem (not_in_channel, unknown channel) that needs a person; fatal: will never work for this payload. */
    readonly disposition: 'retry' | 'wait' | 'fatal',
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * What the dispatcher needs from Teams, Slack or the console. Implementations
 * keep their own rate limits; they throw DeliveryError on failure.
 */
export interface ChatPlatform {
  readonly name: ChatPlatformName;
  /** Post a new alert card (a new thread in channels that have threads). */
  postAlert(target: string, alert: Alert, options?: CardOptions): Promise<MessageRef>;
  /**
   * Look for a card for this alert posted before a crash (Slack: message
   * metadata). Returns its ref, or undefined when it was never posted.
   */
  findPosted?(target: string, alert: Alert): Promise<MessageRef | undefined>;
  /** Replace a posted card with the alert's current state. */
  updateAlert(ref: MessageRef, alert: Alert, options?: CardOptions): Promise<void>;
  /** Post one storm digest card (optional, added for storms); a platform without it gets no digests. */
  postDigest?(target: string, digest: DigestView): Promise<MessageRef>;
  /** A short line in the card's thread. */
  replyInThread(ref: MessageRef, text: string): Promise<void>;
}
