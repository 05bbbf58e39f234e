import type { Alert } from '../alerts/types';
import type { BlindView } from '../cards/blind-view';
import type { DigestView } from '../cards/digest-view';
import type { CardOptions, ChatPlatformName, MessageRef } from './types';

/** A delivery failure the dispatcher can act on. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /**
     * retry: try again later (429, 5xx, network); wait: a setup problem (not_in_channel, unknown channel) that
     * needs a person; hold: nobody would see it yet and the platform releases it when somebody can (a local
     * Teams client with no page open), so it is parked without alarm; fatal: will never work for this payload.
     */
    readonly disposition: 'retry' | 'wait' | 'hold' | 'fatal',
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
  /** Post a report that a detection cannot read its window (optional); a platform without it gets none. */
  postBlind?(target: string, view: BlindView): Promise<MessageRef>;
  /** A short line in the card's thread. */
  replyInThread(ref: MessageRef, text: string): Promise<void>;
  /** How many rate-limit answers the platform's service gave so far (optional, for metrics). */
  rateLimitedCount?(): number;
  /** How many posts failed without saying whether they were accepted, so that a retry may duplicate them (Teams; optional, for metrics). */
  ambiguousPostCount?(): number;
}
