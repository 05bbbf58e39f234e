import type { Alert, NewAlert } from '../../alerts/types';
import { toJson } from '../validate';
import { asStored } from './json-copy';

/** Inserts nothing when the detection already stored the fingerprint (run().changes tells). */
export const INSERT_ALERT = `INSERT INTO alerts (id, seq, detection_id, detection_name, fingerprint, workspace, title, description,
    severity, tactics, techniques, event_time, subject, subject_upn, action, source_ip, source_location, insights,
    investigation_priority, entities, details, target, raw, status, version, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 1, ?, ?)
  ON CONFLICT (detection_id, fingerprint) DO NOTHING`;

/** One statement queues an alert's deliveries to all `targets` targets. */
export function queueSql(targets: number): string {
  const row = "(?, ?, ?, 'pending', 0, ?, ?, ?)";
  return `INSERT INTO deliveries (alert_id, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
    VALUES ${Array.from({ length: Math.max(targets, 1) }, () => row).join(', ')}`;
}

/** The JSON columns of a new alert. */
export interface AlertJson {
  tactics: string;
  techniques: string;
  subject: string;
  insights: string;
  entities: string;
  details: string;
  target: string | null;
  raw: string;
}

/** Serialises each JSON column once; the error names the alert and the field that cannot be stored. */
export function alertJson(a: NewAlert): AlertJson {
  const what = `alert ${a.fingerprint}`;
  return {
    tactics: toJson(a.tactics, `${what}: tactics`),
    techniques: toJson(a.techniques, `${what}: techniques`),
    subject: toJson(a.subject, `${what}: subject`),
    insights: toJson(a.insights, `${what}: insights`),
    entities: toJson(a.entities, `${what}: entities`),
    details: toJson(a.details, `${what}: details`),
    target: a.target === null ? null : toJson(a.target, `${what}: target`),
    raw: toJson(a.raw, `${what}: raw`),
  };
}

/**
 * The alert exactly as getAlert will read it back, built from the values just
 * inserted instead of re-reading and re-parsing the row.
 */
export function storedAlert(a: NewAlert, json: AlertJson, id: string, eventTime: string, now: string): Alert {
  const alert: Alert = {
    id,
    detectionId: a.detectionId,
    detectionName: a.detectionName,
    title: a.title,
    severity: a.severity,
    tactics: asStored(a.tactics, json.tactics),
    techniques: asStored(a.techniques, json.techniques),
    fingerprint: a.fingerprint,
    workspace: a.workspace,
    eventTime: new Date(eventTime),
    subject: asStored(a.subject, json.subject),
    insights: asStored(a.insights, json.insights),
    entities: asStored(a.entities, json.entities),
    details: asStored(a.details, json.details),
    target: a.target === null || json.target === null ? null : asStored(a.target, json.target),
    raw: asStored(a.raw, json.raw),
    status: 'open',
    version: 1,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
  // Optional fields are left out rather than set to undefined, as alertFromRow does.
  if (a.description !== undefined) alert.description = a.description;
  if (a.action !== undefined) alert.action = a.action;
  if (a.sourceIp !== undefined) alert.sourceIp = a.sourceIp;
  if (a.sourceLocation !== undefined) alert.sourceLocation = a.sourceLocation;
  if (a.investigationPriority !== undefined) alert.investigationPriority = a.investigationPriority;
  return alert;
}
