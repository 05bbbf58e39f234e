import type { Alert, AlertStatus, AuditEntry, Classification, StatusChange } from '../../alerts/types';
import type { ChatPlatformName, MessageRef } from '../../delivery/types';
import type { ConversationRefRecord, Delivery, DeliveryState } from '../store';
import type { BodyParts } from './body-parts';
import { decodeCompact } from './compact-json';

/** Column shapes as better-sqlite3 returns them. */
export interface AlertRow {
  seq: number;
  detection_id: string;
  fingerprint: string;
  subject_upn: string | null;
  status: AlertStatus;
  classification: Classification | null;
  last_change: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** JSON array, see alertBody in new-alert.ts. */
  body: string;
  /** 0: plain JSON (rows written before migration 0010); 1: with shared parts (compact-json.ts). */
  body_format: 0 | 1;
}

export interface DeliveryRow {
  id: number;
  alert_seq: number;
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
  render_attempts: number;
  render_state: 'failed' | 'waiting' | null;
  render_error: string | null;
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

/** An alert's id: 'FW-' and its seq (the rowid; migration 0004). */
export function alertId(seq: number): string {
  return `FW-${seq}`;
}

const ID = /^FW-([1-9][0-9]{0,15})$/;

/** The seq an id names, or undefined when it is not an id this store hands out (no such alert). */
export function alertSeq(id: unknown): number | undefined {
  if (typeof id !== 'string') return undefined;
  const m = ID.exec(id);
  const seq = m === null ? NaN : Number(m[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

/** The values of an alert body as the alert has them, whichever its format. */
function bodyValues(r: AlertRow, parts: BodyParts): unknown[] {
  const b = JSON.parse(r.body) as unknown[];
  if (r.body_format !== 1) return b;
  for (const i of COMPACT_ELEMENTS) b[i] = decodeCompact(b[i], parts);
  return b;
}

/** Elements body_format 1 may write in compact form; 1 and 16 stay plain for SQL. */
const COMPACT_ELEMENTS = [0, 2, 3, 5, 6, 8, 12, 14, 15, 17];

export function alertFromRow(r: AlertRow, parts: BodyParts): Alert {
  // The order alertBody writes (and migration 0004 documents).
  const b = bodyValues(r, parts);
  const alert: Alert = {
    id: alertId(r.seq),
    detectionId: r.detection_id,
    detectionName: b[0] as string,
    title: b[2] as string,
    severity: b[4] as Alert['severity'],
    tactics: b[5] as string[],
    techniques: b[6] as string[],
    fingerprint: r.fingerprint,
    workspace: b[1] as string,
    eventTime: new Date(b[7] as string),
    subject: b[8] as Alert['subject'],
    insights: b[12] as string[],
    entities: b[14] as Alert['entities'],
    details: b[15] as Alert['details'],
    target: (b[16] ?? null) as Alert['target'],
    raw: b[17] as Alert['raw'],
    status: r.status,
    version: r.version,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
  // Optional fields are left out rather than set to undefined, so alerts compare equal after a round trip.
  const optional = {
    description: opt(b[3] as string | null),
    action: opt(b[9] as string | null),
    sourceIp: opt(b[10] as string | null),
    sourceLocation: opt(b[11] as string | null),
    investigationPriority: opt(b[13] as number | null),
    // Added after migration 0004: bodies written before it have no element 18.
    ingestionTime: typeof b[18] === 'string' ? new Date(b[18]) : undefined,
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
    alertId: alertId(r.alert_seq),
    platform: r.platform,
    target: r.target,
    state: r.state,
    attempts: r.attempts,
    renderAttempts: r.render_attempts,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
  if (r.next_attempt_at !== null) d.nextAttemptAt = new Date(r.next_attempt_at);
  if (r.last_error !== null) d.lastError = r.last_error;
  if (r.message_ref !== null) d.ref = JSON.parse(r.message_ref) as MessageRef;
  if (r.rendered_version !== null) d.renderedVersion = r.rendered_version;
  if (r.render_state !== null) d.redraw = { state: r.render_state, reason: r.render_error ?? '' };
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
