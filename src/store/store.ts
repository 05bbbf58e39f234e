import type {
  Alert,
  AlertAction,
  AlertStatus,
  AlertTarget,
  AuditEntry,
  Classification,
  NewAlert,
  StatusChange,
} from '../alerts/types';
import type { ChatPlatformName, DeliveryTarget, MessageRef } from '../delivery/types';

export interface RecordPollInput {
  workspace: string;
  detectionId: string;
  /** The poll window's end; the stored watermark only ever moves forward. */
  watermark: Date;
  alerts: NewAlert[];
  targets: DeliveryTarget[];
}

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

export interface ConversationRefRecord {
  platform: string;
  key: string;
  name: string;
  /** Whatever the platform stored (a JSON value), as it was saved. */
  ref: unknown;
  updatedAt: Date;
}

export interface TransitionRequest {
  alertId: string;
  action: AlertAction;
  /** The statuses the alert must be in, checked inside the transaction. */
  from: readonly AlertStatus[];
  /** When set, the alert must still be at this version (the one the caller judged). */
  ifVersion?: number;
  to: AlertStatus;
  /** null clears the classification (reopen); undefined keeps it. */
  classification?: Classification | null;
  change: StatusChange;
  /** Appended in the same transaction when the transition is applied (outcome 'allowed'). */
  audit: Omit<AuditEntry, 'id' | 'alertId' | 'outcome'>;
  /** Queued as a thread reply under every copy of the card. */
  replyText?: string;
}

export type TransitionResult =
  | { ok: true; alert: Alert; previous: Alert }
  | { ok: false; reason: 'not_found' }
  /** The alert was not in one of the `from` statuses; `alert` is its current state. */
  | { ok: false; reason: 'status'; alert: Alert }
  /** The alert is no longer at `ifVersion`; `alert` is its current state. */
  | { ok: false; reason: 'changed'; alert: Alert };

export interface ListAuditQuery {
  alertId?: string;
  limit: number;
}

export interface ListAlertsQuery {
  /** 'open' = every status but resolved. */
  status?: 'open' | 'all';
  limit: number;
}

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
 * Everything FirstWatch keeps. Asynchronous so that a Postgres implementation
 * (several replicas) fits behind the same interface as SQLite.
 */
export interface Store {
  /**
   * One transaction: insert each alert whose fingerprint is new for its
   * detection, queue one delivery per new alert per target, advance the
   * watermark. Returns only the new alerts, as getAlert would read them. On
   * any error nothing is written.
   *
   * The returned alerts may share nested values (subject, raw, …) with the
   * input alerts instead of copying them: the store takes the input over, and
   * neither is to be changed afterwards.
   */
  recordPoll(input: RecordPollInput): Promise<Alert[]>;
  getWatermark(workspace: string, detectionId: string): Promise<Date | undefined>;

  getAlert(id: string): Promise<Alert | undefined>;
  /** Newest first. */
  listAlerts(query: ListAlertsQuery): Promise<Alert[]>;
  /** Newest first; the UPN compares case-insensitively. */
  findAlertsBySubject(upn: string, limit: number): Promise<Alert[]>;
  /** Alerts of one detection and workspace whose enrichment could not run (target.unavailable set), oldest first. */
  findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]>;
  /**
   * Sets the target of an alert still awaiting one, and bumps its version so every posted
   * card is redrawn. Undefined when there is no such alert or its target was already filled.
   */
  fillTarget(alertId: string, target: AlertTarget): Promise<Alert | undefined>;
  /** The stored alerts of one detection among these fingerprints (what a dry run would not raise again), oldest first. */
  findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]>;

  /** Atomic compare-and-set of an alert's status; see TransitionRequest. */
  transition(request: TransitionRequest): Promise<TransitionResult>;

  appendAudit(entry: AuditEntry): Promise<AuditEntry>;
  /** The newest `limit` entries, oldest first (a trail reads top to bottom; the last one is the latest). */
  listAudit(query: ListAuditQuery): Promise<AuditEntry[]>;

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
  /** Makes every waiting delivery for this platform target due now; returns how many. */
  releaseWaiting(platform: ChatPlatformName, target: string): Promise<number>;
  listDeliveries(alertId: string): Promise<Delivery[]>;

  /**
   * Posted cards that show an older version than their alert, with the alert
   * as it is now. A burst of transitions collapses to one update. Cards whose
   * update was deferred (deferRender) are left out until that time.
   */
  staleCards(limit: number, now?: Date): Promise<DeliveryWork[]>;
  /** The card now shows `version` (never moves backwards). */
  markRendered(id: number, version: number): Promise<void>;
  /** A card update failed; skip this card in staleCards until `nextAttemptAt`. */
  deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void>;

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
  /** Posted (ref), to retry (retryAt), or given up (neither). */
  finishDigest(id: number, result: { ref: MessageRef } | { error: string; retryAt?: Date }): Promise<void>;

  /** Queues `text` under every copy of the alert's card (not those given up on); returns how many. */
  queueReplies(alertId: string, text: string): Promise<number>;
  /** Due replies whose card is posted, leased like deliveries. */
  claimDueReplies(now: Date, limit: number, leaseMs?: number): Promise<ReplyJob[]>;
  markReplied(id: number): Promise<void>;
  markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  markReplyFailed(id: number, error: string): Promise<void>;

  /** Insert or replace the reference under (platform, key). */
  saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void>;
  /** By key first, then by name (case-insensitive). */
  getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined>;
  listConversationRefs(platform: string): Promise<ConversationRefRecord[]>;

  close(): Promise<void>;
}

/** Raised for input a Store refuses; nothing was written. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}
