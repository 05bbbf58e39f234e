import type { Alert } from '../alerts/types';
import type { ChatPlatformName, DeliveryTarget, MessageRef } from '../delivery/types';

/** pending: to post; posted: on the platform; failed: retrying (nextAttemptAt set) or given up (unset); waiting: a setup problem a person must fix. */
export type DeliveryState = 'pending' | 'posted' | 'failed' | 'waiting';

export interface Delivery {
  id: number;
  alertId: string;
  platform: ChatPlatformName;
  target: string;
  state: DeliveryState;
  /** Claims so far (a claim counts as an attempt, so a crash mid-post is counted). */
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  ref?: MessageRef;
  /** The alert version the posted card shows. */
  renderedVersion?: number;
  /** Redraws of the posted card that failed since it was last drawn. */
  renderAttempts: number;
  /** Set when redrawing was stopped: the service said it can never succeed (failed) or a person must fix something (waiting). */
  redraw?: { state: 'failed' | 'waiting'; reason: string };
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery handed to one dispatcher, with the alert it carries. */
export interface DeliveryWork {
  delivery: Delivery;
  alert: Alert;
}

/** A thread reply waiting for (or claimed for) a posted card. */
export interface ReplyJob {
  id: number;
  alertId: string;
  deliveryId: number;
  text: string;
  attempts: number;
  /** The posted card the reply belongs under. */
  ref: MessageRef;
}

/** A slot under an app-wide limit, or how long until one frees up. */
/** One sliding window of a budget: at most `limit` slots in any `windowMs`. */
export interface BudgetWindow {
  limit: number;
  windowMs: number;
}

export type BudgetGrant = { granted: true } | { granted: false; retryAfterMs: number };

/** One poll's cards for one target, summarised as a single digest card. */
export interface StormDigest {
  id: number;
  platform: ChatPlatformName;
  target: string;
  /** The summarised alerts, in the order they were stored. */
  alertIds: string[];
  /** Claims so far. */
  attempts: number;
  createdAt: Date;
}

/**
 * What became of a digest's post: posted (ref); to retry at retryAt; parked
 * until releaseWaiting for its target (waiting: nobody could see it there yet,
 * or the bot is not in the channel), as a delivery would be; given up (none).
 */
export type DigestOutcome = { ref: MessageRef } | { error: string; retryAt?: Date; waiting?: true };

export interface SummariseStormsInput {
  /** A poll that queued more than this many cards for one target is a storm. */
  threshold: number;
  now: Date;
  /** Only targets on these platforms (the ones that can post a digest). */
  platforms: ChatPlatformName[];
  /**
   * false: the storm's individual cards are not posted (state 'failed', last_error
   * "summarised in digest #n"; the alerts stay listed by the alerts command).
   * true: they are posted after the digest, paced `paceMs` apart per target, so
   * that a later alert (due now) goes before the rest of the storm.
   */
  postIndividual: boolean;
  paceMs?: number;
}

/**
 * The outbox: every card, card update, thread reply and storm digest that is
 * to reach a chat platform, stored before it is sent and leased to one sender
 * at a time so that a crash resumes where it stopped.
 */
export interface OutboxStore {
  /**
   * Pending or retrying deliveries whose next attempt is due, oldest first.
   * Each returned delivery is leased for `leaseMs` (default 60 s) so that a
   * concurrent claim does not return it again; an expired lease (crash) makes
   * it claimable again. Counts as an attempt.
   */
  claimDueDeliveries(now: Date, limit: number, leaseMs?: number): Promise<DeliveryWork[]>;
  /** renderedVersion 0 means "what the card shows is unknown" (found after a crash): staleCards returns it for a re-render. */
  markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void>;
  /** A transient failure: try again at nextAttemptAt. */
  markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  /** A permanent failure: never claimed again. */
  markFailed(id: number, error: string): Promise<void>;
  /** A setup problem (bot not in channel, unknown channel): parked until releaseWaiting. */
  markWaiting(id: number, reason: string): Promise<void>;
  /** Makes every waiting delivery, digest and redraw parked waiting for this platform target due now; returns how many. */
  releaseWaiting(platform: ChatPlatformName, target: string): Promise<number>;
  listDeliveries(alertId: string): Promise<Delivery[]>;

  /**
   * Posted cards that show an older version than their alert, with the alert
   * as it is now. A burst of transitions collapses to one update. Cards whose
   * update was deferred (deferRender) are left out until that time, cards whose
   * redraw was stopped (stopRender) for good. Fewest failed redraws first, then
   * oldest: cards that keep failing cannot crowd out the rest.
   */
  staleCards(limit: number, now?: Date): Promise<DeliveryWork[]>;
  /** The card now shows `version` (never moves backwards); its failed-redraw count starts again. */
  markRendered(id: number, version: number): Promise<void>;
  /** A card update failed; skip this card in staleCards until `nextAttemptAt`. Counts one failed redraw. */
  deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  /** Stops redrawing this card: 'failed' for good (message deleted), 'waiting' until releaseWaiting for its target. */
  stopRender(id: number, state: 'failed' | 'waiting', reason: string): Promise<void>;

  /**
   * Queues one more copy of an existing alert's card per target (an escalation
   * copy); a target that already has a copy is left as it is. Returns how many were added.
   */
  addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number>;

  /**
   * Storms: one transaction that finds each poll's pending, never-claimed
   * cards per target beyond `threshold`, stores one digest for them and
   * summarises or paces the cards (see SummariseStormsInput). A poll and target
   * is summarised once. Returns the digests created.
   */
  summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]>;
  /** Digests due for posting, oldest first, leased for `leaseMs` (a crash makes them due again); counts as an attempt. */
  claimDueDigests(now: Date, limit: number, leaseMs?: number): Promise<StormDigest[]>;
  /** Posted (ref), to retry (retryAt), parked until releaseWaiting for its target (waiting), or given up (none). */
  finishDigest(id: number, result: DigestOutcome): Promise<void>;

  /**
   * Takes one of `limit` slots per `windowMs` (a sliding window) counted under
   * `key` for every replica sharing this store, atomically; when all are taken,
   * says when the oldest frees up. For limits a service keeps per workspace,
   * such as Slack's chat.update.
   */
  takeBudget(key: string, limit: number, windowMs: number, now: Date): Promise<BudgetGrant>;
  /**
   * The same with several windows over one key (Teams: 7 a second, 8 in 2 s, 60 in 30 s,
   * 1,800 an hour per thread): one slot is taken only when every window has room, atomically.
   */
  takeBudgetWindows(key: string, windows: readonly BudgetWindow[], now: Date): Promise<BudgetGrant>;

  /** Queues `text` under every copy of the alert's card (not those given up on); returns how many. */
  queueReplies(alertId: string, text: string): Promise<number>;
  /** Due replies whose card is posted, leased like deliveries. */
  claimDueReplies(now: Date, limit: number, leaseMs?: number): Promise<ReplyJob[]>;
  markReplied(id: number): Promise<void>;
  markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  markReplyFailed(id: number, error: string): Promise<void>;
}
