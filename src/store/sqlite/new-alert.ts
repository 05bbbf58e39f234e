import type { Alert, NewAlert } from '../../alerts/types';
import { StoreInputError } from '../store';
import { toJson } from '../validate';
import { isPlainJson } from './plain-json';

/** Inserts nothing when the detection already stored the fingerprint (run().changes tells). */
export const INSERT_ALERT = `INSERT INTO alerts (seq, detection_id, fingerprint, subject_upn, status, version, created_at, updated_at, body)
  VALUES (?, ?, ?, ?, 'open', 1, ?, ?, ?)
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

/**
 * alerts.body: the alert as raised, one JSON array in the order migration
 * 0004 documents (and alertFromRow in rows.ts reads), plus 18 ingestionTime
 * (ISO text) | null, added since: older bodies end at 17. One JSON.stringify and
 * one bound value instead of a column each.
 */
export function alertBody(a: NewAlert, eventTime: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify([
      a.detectionName,
      a.workspace,
      a.title,
      a.description ?? null,
      a.severity,
      a.tactics,
      a.techniques,
      eventTime,
      a.subject,
      a.action ?? null,
      a.sourceIp ?? null,
      a.sourceLocation ?? null,
      a.insights,
      a.investigationPriority ?? null,
      a.entities,
      a.details,
      a.target,
      a.raw,
      a.ingestionTime === undefined ? null : a.ingestionTime.toISOString(),
    ]);
  } catch {
    // Rare: find the field to name (each check throws a StoreInputError that says why).
    for (const [field, value] of jsonFields(a)) toJson(value, `alert ${a.fingerprint}: ${field}`);
  }
  if (text === undefined) throw new StoreInputError(`alert ${a.fingerprint} cannot be stored as JSON`);
  return text;
}

function jsonFields(a: NewAlert): [string, unknown][] {
  return [
    ['tactics', a.tactics],
    ['techniques', a.techniques],
    ['subject', a.subject],
    ['insights', a.insights],
    ['entities', a.entities],
    ['details', a.details],
    ['target', a.target],
    ['raw', a.raw],
  ];
}

/**
 * The alert exactly as getAlert will read it back, built from the values just
 * inserted instead of re-reading and re-parsing the row. Its nested values
 * (subject, raw, …) are the caller's own when they are plain JSON: they were
 * copied once already, from the query row, and copying them again per alert
 * cost as much as a quarter of recordPoll (see Store.recordPoll).
 */
export function storedAlert(a: NewAlert, id: string, nowMs: number): Alert {
  const alert: Alert = {
    id,
    detectionId: a.detectionId,
    detectionName: a.detectionName,
    title: a.title,
    severity: a.severity,
    tactics: stored(a, a.tactics, 'tactics'),
    techniques: stored(a, a.techniques, 'techniques'),
    fingerprint: a.fingerprint,
    workspace: a.workspace,
    eventTime: new Date(a.eventTime.getTime()),
    subject: stored(a, a.subject, 'subject'),
    insights: stored(a, a.insights, 'insights'),
    entities: stored(a, a.entities, 'entities'),
    details: stored(a, a.details, 'details'),
    target: a.target === null ? null : stored(a, a.target, 'target'),
    raw: stored(a, a.raw, 'raw'),
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
