import type { AlertEntity } from '../alerts/types';
import {
  INCIDENT_CLASSIFICATIONS,
  INCIDENT_CLASSIFICATION_REASONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentOwner,
  type IncidentProperties,
} from './types';

/**
 * SecurityIncident and SecurityAlert rows, as Log Analytics returns them, read
 * into what FirstWatch uses. Everything here is log data: checked, never trusted
 * (an id that is not GUID-shaped is dropped, a status Sentinel does not have is refused).
 */

export interface IncidentAlertRecord {
  systemAlertId: string;
  name: string;
  severity?: string;
  productName?: string;
  tactics: string[];
  techniques: string[];
  entities: AlertEntity[];
  /** Rule GUIDs from ExtendedProperties "Analytic Rule Ids" or the AlertType "<workspace>_<rule>". */
  ruleIds: string[];
  startTime?: Date;
  endTime?: Date;
}

export interface IncidentRecord {
  /** The incident's ARM name (GUID). */
  name: string;
  number?: number;
  title: string;
  description?: string;
  severity: IncidentProperties['severity'];
  status: IncidentProperties['status'];
  classification?: IncidentProperties['classification'];
  classificationReason?: IncidentProperties['classificationReason'];
  owner?: IncidentOwner;
  /** This record's TimeGenerated (one record per change). */
  recordTime: Date;
  /** When this record reached the workspace. */
  ingestionTime?: Date;
  createdTime?: Date;
  lastModifiedTime?: Date;
  firstActivityTime?: Date;
  /** Rule GUIDs (the last segment when Sentinel gives ARM ids). */
  ruleIds: string[];
  alertIds: string[];
  productNames: string[];
  tactics: string[];
  techniques: string[];
  /** The row as returned, kept on the alert. */
  raw: Record<string, unknown>;
}

const ID = /^[A-Za-z0-9-]{1,64}$/;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function date(v: unknown): Date | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** dynamic columns come back parsed; string columns holding JSON (SecurityAlert's) are parsed here. */
function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

function strings(v: unknown): string[] {
  const parsed = json(v);
  if (Array.isArray(parsed)) return parsed.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return [];
}

/** "LateralMovement, Execution" or a JSON array. */
function list(v: unknown): string[] {
  const arr = strings(v);
  if (arr.length > 0) return arr;
  return typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== '[]')
    : [];
}

/** A rule GUID from a GUID or an ARM id ending in /alertRules/<guid>. */
export function ruleGuid(v: string): string | undefined {
  const last = v.split('/').pop() ?? '';
  return ID.test(last) ? last.toLowerCase() : undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | undefined {
  return typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
}

function owner(v: unknown): IncidentOwner | undefined {
  const o = json(v);
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  const out: IncidentOwner = {};
  for (const k of ['objectId', 'email', 'userPrincipalName', 'assignedTo', 'ownerType'] as const) {
    const s = text(r[k]);
    if (s !== undefined) out[k] = s;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One SecurityIncident row, or why it cannot be used. */
export function readIncidentRow(row: Record<string, unknown>, ingestionTime?: Date): IncidentRecord | { problem: string } {
  const name = text(row.IncidentName);
  if (name === undefined || !ID.test(name)) return { problem: `IncidentName ${JSON.stringify(row.IncidentName)} is not an incident id` };
  const status = oneOf(row.Status, INCIDENT_STATUSES);
  if (status === undefined) return { problem: `incident ${name}: status ${JSON.stringify(row.Status)} is not New, Active or Closed` };
  const severity = oneOf(row.Severity, INCIDENT_SEVERITIES) ?? 'Informational';
  const recordTime = date(row.TimeGenerated);
  if (recordTime === undefined) return { problem: `incident ${name}: no TimeGenerated` };
  const additional = json(row.AdditionalData);
  const extra = typeof additional === 'object' && additional !== null ? (additional as Record<string, unknown>) : {};
  const number = typeof row.IncidentNumber === 'number' && Number.isInteger(row.IncidentNumber) ? row.IncidentNumber : undefined;
  const classification = oneOf(row.Classification, INCIDENT_CLASSIFICATIONS);
  const reason = oneOf(row.ClassificationReason, INCIDENT_CLASSIFICATION_REASONS);
  const record: IncidentRecord = {
    name,
    title: text(row.Title) ?? `Sentinel incident ${number ?? name}`,
    severity,
    status,
    recordTime,
    ruleIds: strings(row.RelatedAnalyticRuleIds)
      .map(ruleGuid)
      .filter((s): s is string => s !== undefined),
    alertIds: strings(row.AlertIds).filter((s) => ID.test(s)),
    productNames: strings(extra.alertProductNames),
    tactics: strings(extra.tactics),
    techniques: strings(extra.techniques),
    raw: row,
  };
  if (number !== undefined) record.number = number;
  const description = text(row.Description);
  if (description !== undefined) record.description = description;
  if (classification !== undefined) record.classification = classification;
  if (reason !== undefined) record.classificationReason = reason;
  const who = owner(row.Owner);
  if (who !== undefined) record.owner = who;
  if (ingestionTime !== undefined) record.ingestionTime = ingestionTime;
  const created = date(row.CreatedTime);
  if (created !== undefined) record.createdTime = created;
  const modified = date(row.LastModifiedTime);
  if (modified !== undefined) record.lastModifiedTime = modified;
  const first = date(row.FirstActivityTime);
  if (first !== undefined) record.firstActivityTime = first;
  return record;
}

const ENTITY_TYPE: Record<string, string> = {
  account: 'Account',
  host: 'Host',
  ip: 'IP',
  url: 'URL',
  file: 'File',
  process: 'Process',
  'azure-resource': 'AzureResource',
  mailbox: 'Mailbox',
  dns: 'DNS',
};

/** SecurityAlert.Entities: a JSON array of objects with a Type and identifier fields; references ($ref) and nested objects are left out. */
function entities(v: unknown): AlertEntity[] {
  const parsed = json(v);
  if (!Array.isArray(parsed)) return [];
  const out: AlertEntity[] = [];
  for (const e of parsed) {
    if (typeof e !== 'object' || e === null) continue;
    const r = e as Record<string, unknown>;
    const type = text(r.Type);
    if (type === undefined) continue;
    const fields: Record<string, string> = {};
    for (const [k, value] of Object.entries(r)) {
      if (k === 'Type' || k.startsWith('$')) continue;
      if (typeof value === 'string' && value.trim() !== '') fields[k] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') fields[k] = String(value);
    }
    if (Object.keys(fields).length > 0) out.push({ type: ENTITY_TYPE[type.toLowerCase()] ?? type, fields });
  }
  return out;
}

export function readAlertRow(row: Record<string, unknown>): IncidentAlertRecord | undefined {
  const id = text(row.SystemAlertId);
  if (id === undefined || !ID.test(id)) return undefined;
  const props = json(row.ExtendedProperties);
  const ext = typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : {};
  const ruleIds = strings(ext['Analytic Rule Ids'])
    .map(ruleGuid)
    .filter((s): s is string => s !== undefined);
  // Scheduled alerts also name their rule in AlertType: "<workspace id>_<rule id>".
  const fromType = text(row.AlertType)?.split('_').pop();
  if (ruleIds.length === 0 && fromType !== undefined && ruleGuid(fromType) !== undefined) ruleIds.push(ruleGuid(fromType) as string);
  const out: IncidentAlertRecord = {
    systemAlertId: id,
    name: text(row.AlertName) ?? text(row.DisplayName) ?? id,
    tactics: list(row.Tactics),
    techniques: [...list(row.Techniques), ...list(row.SubTechniques)],
    entities: entities(row.Entities),
    ruleIds,
  };
  const severity = text(row.AlertSeverity);
  if (severity !== undefined) out.severity = severity;
  const product = text(row.ProductName);
  if (product !== undefined) out.productName = product;
  const start = date(row.StartTime);
  if (start !== undefined) out.startTime = start;
  const end = date(row.EndTime);
  if (end !== undefined) out.endTime = end;
  return out;
}

/** The record as the incident resource the portal follower understands (no etag: it is never written from here). */
export function asIncident(record: IncidentRecord): Incident {
  const properties: IncidentProperties = {
    title: record.title,
    severity: record.severity,
    status: record.status,
    classification: record.classification ?? null,
    classificationReason: record.classificationReason ?? null,
    ...(record.owner ? { owner: record.owner } : {}),
    ...(record.lastModifiedTime ? { lastModifiedTimeUtc: record.lastModifiedTime.toISOString() } : {}),
  };
  return { id: '', name: record.name, type: 'Microsoft.SecurityInsights/Incidents', etag: '', properties };
}
