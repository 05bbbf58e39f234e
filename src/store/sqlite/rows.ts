import type { Alert, AlertStatus, AuditEntry, Classification, StatusChange } from '../../alerts/types';
import type { ChatPlatformName, MessageRef } from '../../chat/platform';
import type { ConversationRefRecord, Delivery, DeliveryState } from '../store';

/** Column shapes as better-sqlite3 returns them. */
export interface AlertRow {
  id: string;
  seq: number;
  detection_id: string;
  detection_name: string;
  fingerprint: string;
  workspace: string;
  title: string;
  description: string | null;
  severity: Alert['severity'];
  tactics: string;
  techniques: string;
  event_time: string;
  subject: string;
  subject_upn: string | null;
  action: string | null;
  source_ip: string | null;
  source_location: string | null;
  insights: string;
  investigation_priority: number | null;
  entities: string;
  details: string;
  target: string | null;
  raw: string;
  status: AlertStatus;
  classification: Classification | null;
  last_change: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DeliveryRow {
  id: number;
  alert_id: string;
  platform: ChatPlatformName;
  target: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  last_error: string | null;
  message_ref: string | null;
  rendered_version: number | null;
  render_next_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  alert_id: string | null;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  origin: string;
}

export interface ConversationRefRow {
  platform: string;
  key: string;
  name: string;
  ref: string;
  updated_at: string;
}

interface StoredChange extends Omit<StatusChange, 'at'> {
  at: string;
}

export function changeToJson(change: StatusChange): string {
  return JSON.stringify({ ...change, at: change.at.toISOString() });
}

function changeFromJson(text: string): StatusChange {
  const stored = JSON.parse(text) as StoredChange;
  return { ...stored, at: new Date(stored.at) };
}

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

export function alertFromRow(r: AlertRow): Alert {
  const alert: Alert = {
    id: r.id,
    detectionId: r.detection_id,
    detectionName: r.detection_name,
    title: r.title,
    severity: r.severity,
    tactics: JSON.parse(r.tactics) as string[],
    techniques: JSON.parse(r.techniques) as string[],
    fingerprint: r.fingerprint,
    workspace: r.workspace,
    eventTime: new Date(r.event_time),
    subject: JSON.parse(r.subject) as Alert['subject'],
    insights: JSON.parse(r.insights) as string[],
    entities: JSON.parse(r.entities) as Alert['entities'],
    details: JSON.parse(r.details) as Alert['details'],
    target: r.target === null ? null : (JSON.parse(r.target) as Alert['target']),
    raw: JSON.parse(r.raw) as Alert['raw'],
    status: r.status,
    version: r.version,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
  // Optional fields are left out rather than set to undefined, so alerts compare equal after a round trip.
  const optional = {
    description: opt(r.description),
    action: opt(r.action),
    sourceIp: opt(r.source_ip),
    sourceLocation: opt(r.source_location),
    investigationPriority: opt(r.investigation_priority),
    classification: opt(r.classification),
    lastChange: r.last_change === null ? undefined : changeFromJson(r.last_change),
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) Object.assign(alert, { [k]: v });
  }
  return alert;
}

export function deliveryFromRow(r: DeliveryRow): Delivery {
  const d: Delivery = {
    id: r.id,
    alertId: r.alert_id,
    platform: r.platform,
    target: r.target,
    state: r.state,
    attempts: r.attempts,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
  if (r.next_attempt_at !== null) d.nextAttemptAt = new Date(r.next_attempt_at);
  if (r.last_error !== null) d.lastError = r.last_error;
  if (r.message_ref !== null) d.ref = JSON.parse(r.message_ref) as MessageRef;
  if (r.rendered_version !== null) d.renderedVersion = r.rendered_version;
  return d;
}

export function auditFromRow(r: AuditRow): AuditEntry {
  const e: AuditEntry = {
    id: r.id,
    at: new Date(r.at),
    actor: JSON.parse(r.actor) as AuditEntry['actor'],
    action: r.action,
    outcome: r.outcome,
    origin: r.origin,
  };
  if (r.alert_id !== null) e.alertId = r.alert_id;
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

export function conversationRefFromRow(r: ConversationRefRow): ConversationRefRecord {
  return { platform: r.platform, key: r.key, name: r.name, ref: JSON.parse(r.ref) as unknown, updatedAt: new Date(r.updated_at) };
}
