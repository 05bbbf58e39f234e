import type { Alert, AlertStatus, AuditEntry, Classification, StatusChange } from '../../alerts/types';
import type { ChatPlatformName, MessageRef } from '../../delivery/types';
import type { ConversationRefRecord, Delivery, DeliveryState, ReplyJob } from '../store';

/**
 * Column shapes as node-postgres returns them: timestamptz as Date, json and
 * jsonb parsed, integer as number, bigint as string (it may exceed 2^53).
 */
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
  tactics: string[];
  techniques: string[];
  event_time: Date;
  ingestion_time: Date | null;
  subject: Alert['subject'];
  subject_upn: string | null;
  action: string | null;
  source_ip: string | null;
  source_location: string | null;
  insights: string[];
  investigation_priority: string | null;
  entities: Alert['entities'];
  details: Alert['details'];
  target: Alert['target'];
  raw: Alert['raw'];
  status: AlertStatus;
  classification: Classification | null;
  last_change: StoredChange | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  alert_id: string;
  platform: ChatPlatformName;
  target: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date | null;
  lease_until: Date | null;
  last_error: string | null;
  message_ref: MessageRef | null;
  rendered_version: number | null;
  render_next_at: Date | null;
  render_attempts: number;
  render_state: 'failed' | 'waiting' | null;
  render_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ReplyRow {
  id: string;
  alert_id: string;
  delivery_id: string;
  text: string;
  attempts: number;
  message_ref: MessageRef;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: AuditEntry['actor'];
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
  ref: unknown;
  updated_at: Date;
}

/** A StatusChange as jsonb holds it: the date as ISO text. */
export interface StoredChange extends Omit<StatusChange, 'at'> {
  at: string;
}

export function changeToJson(change: StatusChange): string {
  return JSON.stringify({ ...change, at: change.at.toISOString() });
}

function changeFromStored(stored: StoredChange): StatusChange {
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
    tactics: r.tactics,
    techniques: r.techniques,
    fingerprint: r.fingerprint,
    workspace: r.workspace,
    eventTime: r.event_time,
    subject: r.subject,
    insights: r.insights,
    entities: r.entities,
    details: r.details,
    target: r.target,
    raw: r.raw,
    status: r.status,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  // Optional fields are left out rather than set to undefined, so alerts compare equal after a round trip.
  const optional = {
    description: opt(r.description),
    action: opt(r.action),
    sourceIp: opt(r.source_ip),
    sourceLocation: opt(r.source_location),
    ingestionTime: opt(r.ingestion_time),
    investigationPriority: r.investigation_priority === null ? undefined : Number(r.investigation_priority),
    classification: opt(r.classification),
    lastChange: r.last_change === null ? undefined : changeFromStored(r.last_change),
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) Object.assign(alert, { [k]: v });
  }
  return alert;
}

export function deliveryFromRow(r: DeliveryRow): Delivery {
  const d: Delivery = {
    id: Number(r.id),
    alertId: r.alert_id,
    platform: r.platform,
    target: r.target,
    state: r.state,
    attempts: r.attempts,
    renderAttempts: r.render_attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.next_attempt_at !== null) d.nextAttemptAt = r.next_attempt_at;
  if (r.last_error !== null) d.lastError = r.last_error;
  if (r.message_ref !== null) d.ref = r.message_ref;
  if (r.rendered_version !== null) d.renderedVersion = r.rendered_version;
  if (r.render_state !== null) d.redraw = { state: r.render_state, reason: r.render_error ?? '' };
  return d;
}

export function replyFromRow(r: ReplyRow): ReplyJob {
  return {
    id: Number(r.id),
    alertId: r.alert_id,
    deliveryId: Number(r.delivery_id),
    text: r.text,
    attempts: r.attempts,
    ref: r.message_ref,
  };
}

export function auditFromRow(r: AuditRow): AuditEntry {
  const e: AuditEntry = {
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    origin: r.origin,
  };
  if (r.alert_id !== null) e.alertId = r.alert_id;
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

export function conversationRefFromRow(r: ConversationRefRow): ConversationRefRecord {
  return { platform: r.platform, key: r.key, name: r.name, ref: r.ref, updatedAt: r.updated_at };
}
