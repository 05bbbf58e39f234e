import type { Alert, AlertAction, AlertStatus, AlertTarget, AuditEntry, Classification, NewAlert, StatusChange } from '../alerts/types';
import type { DeliveryTarget } from '../delivery/types';

export interface RecordPollInput {
  workspace: string;
  detectionId: string;
  /** The poll window's end; the stored watermark only ever moves forward. */
  watermark: Date;
  alerts: NewAlert[];
  targets: DeliveryTarget[];
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
  /** Only alerts of these workspaces (an empty list finds none); absent: every workspace. */
  workspaces?: readonly string[];
  limit: number;
}

/**
 * Alerts, their status changes and the audit log, and the poll watermarks.
 *
 * Polls belong here rather than to the outbox: the watermark says which hits
 * have become alerts, and it may only move in the transaction that stores
 * them (the no-hit-lost invariant). The deliveries a poll queues ride along
 * in that transaction, as a transition's replies do; the outbox takes over
 * from there.
 */
export interface AlertStore {
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
}
