import type { Alert, AlertTarget, AuditEntry } from '../alerts/types';
import type { ChatPlatformName, DeliveryTarget, MessageRef } from '../delivery/types';
import type { AlertStore, ListAlertsQuery, ListAuditQuery, RecordPollInput, TransitionRequest, TransitionResult } from './alert-store';
import type { ConversationRefRecord, ConversationStore } from './conversation-store';
import type { IncidentLink, IncidentSyncStore, IncidentWriteJob } from './incident-sync-store';
import type {
  BudgetGrant,
  BudgetWindow,
  Delivery,
  DigestOutcome,
  DeliveryWork,
  OutboxStore,
  ReplyJob,
  StormDigest,
  SummariseStormsInput,
} from './outbox-store';
import type { Store } from './store';
import type { BlindSpell, BlindSpellStore } from './blind-spell-store';

/** The role implementations one backend provides over its one connection. */
export interface StoreRoles {
  alerts: AlertStore;
  outbox: OutboxStore;
  conversations: ConversationStore;
  incidents: IncidentSyncStore;
  blindSpells: BlindSpellStore;
}

/**
 * One Store object made of a backend's roles, so composition code gets a single object.
 * Each backend (SQLite, PostgreSQL) extends it with how it opens and closes.
 */
export abstract class ComposedStore implements Store {
  private readonly alerts: AlertStore;
  private readonly outbox: OutboxStore;
  private readonly conversations: ConversationStore;
  private readonly incidents: IncidentSyncStore;
  private readonly blindSpells: BlindSpellStore;

  protected constructor(roles: StoreRoles) {
    this.alerts = roles.alerts;
    this.outbox = roles.outbox;
    this.conversations = roles.conversations;
    this.incidents = roles.incidents;
    this.blindSpells = roles.blindSpells;
  }

  // ---- AlertStore ------------------------------------------------------------

  recordPoll(input: RecordPollInput): Promise<Alert[]> {
    return this.alerts.recordPoll(input);
  }
  getWatermark(workspace: string, detectionId: string): Promise<Date | undefined> {
    return this.alerts.getWatermark(workspace, detectionId);
  }
  getAlert(id: string): Promise<Alert | undefined> {
    return this.alerts.getAlert(id);
  }
  listAlerts(query: ListAlertsQuery): Promise<Alert[]> {
    return this.alerts.listAlerts(query);
  }
  findAlertsBySubject(upn: string, limit: number): Promise<Alert[]> {
    return this.alerts.findAlertsBySubject(upn, limit);
  }
  findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]> {
    return this.alerts.findAlertsAwaitingTarget(detectionId, workspace, limit);
  }
  fillTarget(alertId: string, target: AlertTarget): Promise<Alert | undefined> {
    return this.alerts.fillTarget(alertId, target);
  }
  findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]> {
    return this.alerts.findAlertsByFingerprint(detectionId, fingerprints);
  }
  transition(req: TransitionRequest): Promise<TransitionResult> {
    return this.alerts.transition(req);
  }
  appendAudit(entry: AuditEntry): Promise<AuditEntry> {
    return this.alerts.appendAudit(entry);
  }
  listAudit(query: ListAuditQuery): Promise<AuditEntry[]> {
    return this.alerts.listAudit(query);
  }

  // ---- IncidentSyncStore -----------------------------------------------------

  linkIncident(alertId: string, workspace: string, incidentName: string): Promise<void> {
    return this.incidents.linkIncident(alertId, workspace, incidentName);
  }
  alertForIncident(workspace: string, incidentName: string): Promise<string | undefined> {
    return this.incidents.alertForIncident(workspace, incidentName);
  }
  getIncidentLink(alertId: string): Promise<IncidentLink | undefined> {
    return this.incidents.getIncidentLink(alertId);
  }
  claimDueIncidentWrites(now: Date, limit: number, leaseMs?: number): Promise<IncidentWriteJob[]> {
    return this.incidents.claimDueIncidentWrites(now, limit, leaseMs);
  }
  markIncidentWritten(alertId: string, version: number, outcome: string): Promise<void> {
    return this.incidents.markIncidentWritten(alertId, version, outcome);
  }
  markIncidentWriteRetry(alertId: string, error: string, nextAttemptAt: Date): Promise<void> {
    return this.incidents.markIncidentWriteRetry(alertId, error, nextAttemptAt);
  }
  markIncidentWriteFailed(alertId: string, version: number, error: string): Promise<void> {
    return this.incidents.markIncidentWriteFailed(alertId, version, error);
  }

  // ---- OutboxStore -----------------------------------------------------------

  claimDueDeliveries(now: Date, limit: number, leaseMs?: number): Promise<DeliveryWork[]> {
    return this.outbox.claimDueDeliveries(now, limit, leaseMs);
  }
  markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void> {
    return this.outbox.markPosted(id, ref, renderedVersion);
  }
  markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    return this.outbox.markRetry(id, error, nextAttemptAt);
  }
  markFailed(id: number, error: string): Promise<void> {
    return this.outbox.markFailed(id, error);
  }
  markWaiting(id: number, reason: string): Promise<void> {
    return this.outbox.markWaiting(id, reason);
  }
  releaseWaiting(platform: ChatPlatformName, target: string): Promise<number> {
    return this.outbox.releaseWaiting(platform, target);
  }
  listDeliveries(alertId: string): Promise<Delivery[]> {
    return this.outbox.listDeliveries(alertId);
  }
  staleCards(limit: number, now?: Date): Promise<DeliveryWork[]> {
    return this.outbox.staleCards(limit, now);
  }
  markRendered(id: number, version: number): Promise<void> {
    return this.outbox.markRendered(id, version);
  }
  deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    return this.outbox.deferRender(id, error, nextAttemptAt);
  }
  stopRender(id: number, state: 'failed' | 'waiting', reason: string): Promise<void> {
    return this.outbox.stopRender(id, state, reason);
  }
  takeBudget(key: string, limit: number, windowMs: number, now: Date): Promise<BudgetGrant> {
    return this.outbox.takeBudget(key, limit, windowMs, now);
  }
  takeBudgetWindows(key: string, windows: readonly BudgetWindow[], now: Date): Promise<BudgetGrant> {
    return this.outbox.takeBudgetWindows(key, windows, now);
  }
  summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]> {
    return this.outbox.summariseStorms(input);
  }
  claimDueDigests(now: Date, limit: number, leaseMs?: number): Promise<StormDigest[]> {
    return this.outbox.claimDueDigests(now, limit, leaseMs);
  }
  finishDigest(id: number, result: DigestOutcome): Promise<void> {
    return this.outbox.finishDigest(id, result);
  }
  addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number> {
    return this.outbox.addDeliveries(alertId, targets);
  }
  queueReplies(alertId: string, text: string): Promise<number> {
    return this.outbox.queueReplies(alertId, text);
  }
  claimDueReplies(now: Date, limit: number, leaseMs?: number): Promise<ReplyJob[]> {
    return this.outbox.claimDueReplies(now, limit, leaseMs);
  }
  markReplied(id: number): Promise<void> {
    return this.outbox.markReplied(id);
  }
  markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    return this.outbox.markReplyRetry(id, error, nextAttemptAt);
  }
  markReplyFailed(id: number, error: string): Promise<void> {
    return this.outbox.markReplyFailed(id, error);
  }

  // ---- ConversationStore -------------------------------------------------------

  saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void> {
    return this.conversations.saveConversationRef(platform, key, name, ref);
  }
  getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined> {
    return this.conversations.getConversationRef(platform, keyOrName);
  }
  listConversationRefs(platform: string): Promise<ConversationRefRecord[]> {
    return this.conversations.listConversationRefs(platform);
  }

  abstract close(): Promise<void>;

  // ---- BlindSpellStore ---------------------------------------------------------

  noteBlind(workspace: string, detectionId: string, at: Date, reason: string): Promise<BlindSpell> {
    return this.blindSpells.noteBlind(workspace, detectionId, at, reason);
  }
  markBlindReported(workspace: string, detectionId: string, at: Date): Promise<boolean> {
    return this.blindSpells.markBlindReported(workspace, detectionId, at);
  }
  unmarkBlindReported(workspace: string, detectionId: string): Promise<void> {
    return this.blindSpells.unmarkBlindReported(workspace, detectionId);
  }
  endBlind(workspace: string, detectionId: string): Promise<BlindSpell | undefined> {
    return this.blindSpells.endBlind(workspace, detectionId);
  }
  listBlindSpells(): Promise<BlindSpell[]> {
    return this.blindSpells.listBlindSpells();
  }
}
