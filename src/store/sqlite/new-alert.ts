import type { Alert, NewAlert } from '../../alerts/types';
import { toJson } from '../validate';
import type { PartsWriter } from './body-parts';
import { encodeCompact } from './compact-json';
import { isPlainJson } from './plain-json';

/** Inserts nothing when the detection already stored the fingerprint (run().changes tells). */
export const INSERT_ALERT = `INSERT INTO alerts (seq, detection_id, fingerprint, subject_upn, status, version, created_at, updated_at, body, body_format)
  VALUES (?, ?, ?, ?, 'open', 1, ?, ?, ?, 1)
  ON CONFLICT (detection_id, fingerprint) DO NOTHING`;

/**
 * One statement queues the deliveries of every alert a poll stored (seq in
 * (after, upTo]) to all `targets` targets: alert by alert, targets in the
 * order given, as one statement per alert would. Parameters: the poll's now,
 * then each target's platform and target, then after and upTo.
 */
export function queueSql(targets: number): string {
  const values = Array.from({ length: targets }, (_, i) => `(${i}, ?, ?)`).join(', ');
  return `INSERT INTO deliveries (alert_seq, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
    SELECT a.seq, t.column2, t.column3, 'pending', 0, now.at, now.at, now.at
    FROM (SELECT ? AS at) AS now, alerts a, (VALUES ${values}) AS t
    WHERE a.seq > ? AND a.seq <= ?
    ORDER BY a.seq, t.column1`;
}

/** The nested values of a new alert as they read back: plain JSON (see `stored`). */
export interface PlainValues {
  tactics: string[];
  techniques: string[];
  subject: NewAlert['subject'];
  insights: string[];
  entities: NewAlert['entities'];
  details: NewAlert['details'];
  target: NewAlert['target'];
  raw: NewAlert['raw'];
}

/** Throws a StoreInputError naming the field when one is not JSON (the poll then rolls back). */
export function plainValues(a: NewAlert): PlainValues {
  return {
    tactics: stored(a, a.tactics, 'tactics'),
    techniques: stored(a, a.techniques, 'techniques'),
    subject: stored(a, a.subject, 'subject'),
    insights: stored(a, a.insights, 'insights'),
    entities: stored(a, a.entities, 'entities'),
    details: stored(a, a.details, 'details'),
    target: a.target === null ? null : stored(a, a.target, 'target'),
    raw: stored(a, a.raw, 'raw'),
  };
}

/**
 * alerts.body (body_format 1): the alert as raised, one JSON array in the order
 * migration 0004 documents (and alertFromRow in rows.ts reads), plus 18
 * ingestionTime (ISO text) | null. Its repeated parts are named by id
 * (compact-json.ts); 1 (workspace) and 16 (target) stay plain for SQL.
 */
export function alertBody(a: NewAlert, plain: PlainValues, eventTime: string, parts: PartsWriter): string {
  const shape = parts.shapeId;
  const shared = parts.whole;
  return JSON.stringify([
    shared(a.detectionName),
    a.workspace,
    shared(a.title),
    a.description === undefined ? null : shared(a.description),
    a.severity,
    shared(plain.tactics),
    shared(plain.techniques),
    eventTime,
    encodeCompact(plain.subject, shape),
    a.action ?? null,
    a.sourceIp ?? null,
    a.sourceLocation ?? null,
    shared(plain.insights),
    a.investigationPriority ?? null,
    encodeCompact(plain.entities, shape),
    encodeCompact(plain.details, shape),
    plain.target,
    encodeCompact(plain.raw, shape),
    a.ingestionTime === undefined ? null : a.ingestionTime.toISOString(),
  ]);
}

/**
 * The alert exactly as getAlert will read it back, built from the values just
 * inserted instead of re-reading and re-parsing the row. Its nested values
 * (subject, raw, …) are the caller's own when they are plain JSON: they were
 * copied once already, from the query row, and copying them again per alert
 * cost as much as a quarter of recordPoll (see Store.recordPoll).
 */
export function storedAlert(a: NewAlert, plain: PlainValues, id: string, nowMs: number): Alert {
  const alert: Alert = {
    id,
    detectionId: a.detectionId,
    detectionName: a.detectionName,
    title: a.title,
    severity: a.severity,
    tactics: plain.tactics,
    techniques: plain.techniques,
    fingerprint: a.fingerprint,
    workspace: a.workspace,
    eventTime: new Date(a.eventTime.getTime()),
    subject: plain.subject,
    insights: plain.insights,
    entities: plain.entities,
    details: plain.details,
    target: plain.target,
    raw: plain.raw,
    status: 'open',
    version: 1,
    createdAt: new Date(nowMs),
    updatedAt: new Date(nowMs),
  };
  // Optional fields are left out rather than set to undefined, as alertFromRow does.
  if (a.description !== undefined) alert.description = a.description;
  if (a.action !== undefined) alert.action = a.action;
  if (a.sourceIp !== undefined) alert.sourceIp = a.sourceIp;
  if (a.sourceLocation !== undefined) alert.sourceLocation = a.sourceLocation;
  if (a.investigationPriority !== undefined) alert.investigationPriority = a.investigationPriority;
  if (a.ingestionTime !== undefined) alert.ingestionTime = new Date(a.ingestionTime.getTime());
  return alert;
}

/**
 * `value` as it reads back: itself when plain JSON, else (Dates, undefined,
 * toJSON…) its own JSON round trip, which also refuses a value that is not
 * JSON at all and so rolls the poll back, as a column of its own would have.
 */
function stored<T>(a: NewAlert, value: T, field: string): T {
  return isPlainJson(value) ? value : (JSON.parse(toJson(value, `alert ${a.fingerprint}: ${field}`)) as T);
}
