import { hash } from 'node:crypto';
import type { AlertEntity, NewAlert, Severity } from '../alerts/types';
import { DetectionHitError } from './errors';
import { asDate, cellText, dynamicValue, isPresent, isTrueish, rawRow } from './row-values';
import { TACTICS } from './sentinel-vocabulary';
import type { CardMappings, Detection } from './types';

const SEVERITIES: Severity[] = ['Informational', 'Low', 'Medium', 'High'];
const EVENT_TIME_COLUMNS = ['TimeGenerated', 'StartTime', 'StartTimeUtc', 'FirstSeen', 'EndTime'];

const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

/** {{Column}} → the row's value; missing or empty values render as nothing. */
export function renderFormat(format: string, row: Record<string, unknown>): string {
  // A loop rather than replace() with a callback: this runs for every hit.
  let out = '';
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(format); m !== null; m = PLACEHOLDER.exec(format)) {
    out += format.slice(last, m.index) + cellText(row[m[1]]);
    last = m.index + m[0].length;
  }
  out += format.slice(last);
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

function entityColumn(detection: Detection, entityType: string, identifiers: string[]): string | undefined {
  for (const identifier of identifiers) {
    for (const m of detection.entityMappings) {
      if (m.entityType !== entityType) continue;
      for (const f of m.fieldMappings) if (f.identifier === identifier) return f.columnName;
    }
  }
  return undefined;
}

/** The card's columns: the rule's own choices, else entity mappings, else well-known UEBA columns present in the row. */
export function cardColumns(detection: Detection, row: Record<string, unknown>): CardMappings {
  const c = detection.firstwatch.card;
  return {
    subjectUpn: c.subjectUpn ?? entityColumn(detection, 'Account', ['FullName']) ?? ifPresent(row, 'UserPrincipalName'),
    subjectName: c.subjectName ?? entityColumn(detection, 'Account', ['DisplayName', 'Name']),
    subjectObjectId: c.subjectObjectId ?? entityColumn(detection, 'Account', ['AadUserId', 'ObjectGuid']),
    action: c.action ?? ifPresent(row, 'ActionType'),
    sourceIp: c.sourceIp ?? entityColumn(detection, 'IP', ['Address']),
    location: c.location,
    insights: c.insights ?? ifPresent(row, 'ActivityInsights'),
    investigationPriority: c.investigationPriority ?? ifPresent(row, 'InvestigationPriority'),
  };
}

function ifPresent(row: Record<string, unknown>, col: string): string | undefined {
  return col in row ? col : undefined;
}

function text(row: Record<string, unknown>, col: string | undefined): string | undefined {
  if (col === undefined || !isPresent(row[col])) return undefined;
  const t = cellText(row[col]);
  return t === '' ? undefined : t;
}

/** The columns of the dedup key: the rule's `fingerprint`, else its entity columns and TimeGenerated. */
export function fingerprintColumns(detection: Detection): { columns: string[]; explicit: boolean } {
  if (detection.firstwatch.fingerprint.length > 0) return { columns: detection.firstwatch.fingerprint, explicit: true };
  const cols = new Set<string>();
  for (const m of detection.entityMappings) for (const f of m.fieldMappings) cols.add(f.columnName);
  cols.add('TimeGenerated');
  return { columns: [...cols].sort(), explicit: false };
}

/** sha256 of the detection id and the fingerprint columns' values; 32 hex characters. */
export function fingerprintOf(detection: Detection, row: Record<string, unknown>): string {
  const { columns, explicit } = fingerprintColumns(detection);
  const values: string[] = [];
  for (const col of columns) {
    if (!(col in row) || (explicit && !isPresent(row[col]))) {
      throw new DetectionHitError(
        detection.id,
        detection.name,
        `fingerprint column ${col} is ${col in row ? 'empty' : 'missing'} in a result row (columns: ${Object.keys(row).join(', ')})`,
      );
    }
    values.push(cellText(row[col]));
  }
  return hash('sha256', JSON.stringify([detection.id, ...values]), 'hex').slice(0, 32);
}

function insightsOf(value: unknown): string[] {
  const parsed = dynamicValue(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const fired: string[] = [];
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (isTrueish(v)) fired.push(k);
  return fired.sort();
}

function severityOf(detection: Detection, row: Record<string, unknown>): Severity {
  const col = detection.alertDetailsOverride?.alertSeverityColumnName;
  const v = col !== undefined ? cellText(row[col]).trim().toLowerCase() : '';
  if (v !== '') for (const s of SEVERITIES) if (s.toLowerCase() === v) return s;
  return detection.severity;
}

function tacticsOf(detection: Detection, row: Record<string, unknown>): string[] {
  const col = detection.alertDetailsOverride?.alertTacticsColumnName;
  if (col === undefined || !isPresent(row[col])) return [...detection.tactics];
  const v = dynamicValue(row[col]);
  const items = Array.isArray(v) ? v.map(cellText) : cellText(v).split(',');
  const valid = items.map((s) => s.trim()).filter((s) => (TACTICS as readonly string[]).includes(s));
  return valid.length > 0 ? valid : [...detection.tactics];
}

function entitiesOf(detection: Detection, row: Record<string, unknown>): AlertEntity[] {
  const out: AlertEntity[] = [];
  for (const m of detection.entityMappings) {
    const fields: Record<string, string> = {};
    let any = false;
    for (const f of m.fieldMappings) {
      const t = text(row, f.columnName);
      if (t !== undefined) {
        fields[f.identifier] = t;
        any = true;
      }
    }
    if (any) out.push({ type: m.entityType, fields });
  }
  return out;
}

function priorityOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** One result row of a detection → the alert it raises (no target yet: enrichment fills it). */
export function hitToAlert(detection: Detection, row: Record<string, unknown>, workspaceName: string): NewAlert {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new DetectionHitError(detection.id, detection.name, 'a result row must be an object of column: value');
  }
  const fingerprint = fingerprintOf(detection, row);
  let eventTime: Date | undefined;
  for (const c of EVENT_TIME_COLUMNS) {
    eventTime = asDate(row[c]);
    if (eventTime !== undefined) break;
  }
  if (eventTime === undefined) {
    throw new DetectionHitError(detection.id, detection.name, `a result row has no TimeGenerated (or ${EVENT_TIME_COLUMNS.slice(1).join('/')}) time`);
  }
  const cols = cardColumns(detection, row);
  const override = detection.alertDetailsOverride;
  const title = override?.alertDisplayNameFormat ? renderFormat(override.alertDisplayNameFormat, row) : '';
  const description = override?.alertDescriptionFormat ? renderFormat(override.alertDescriptionFormat, row) : '';

  const details: Record<string, string> = {};
  for (const [label, col] of Object.entries(detection.customDetails)) {
    const t = text(row, col);
    if (t !== undefined) details[label] = t;
  }
  const subject: NewAlert['subject'] = {};
  const upn = text(row, cols.subjectUpn);
  const displayName = text(row, cols.subjectName);
  const objectId = text(row, cols.subjectObjectId);
  if (upn !== undefined) subject.upn = upn;
  if (displayName !== undefined) subject.displayName = displayName;
  if (objectId !== undefined) subject.aadObjectId = objectId;

  return {
    detectionId: detection.id,
    detectionName: detection.name,
    title: title !== '' ? title : detection.name,
    description: description !== '' ? description : detection.description,
    severity: severityOf(detection, row),
    tactics: tacticsOf(detection, row),
    techniques: [...detection.techniques],
    fingerprint,
    workspace: workspaceName,
    eventTime,
    subject,
    action: text(row, cols.action),
    sourceIp: text(row, cols.sourceIp),
    sourceLocation: text(row, cols.location),
    insights: cols.insights !== undefined ? insightsOf(row[cols.insights]) : [],
    investigationPriority: cols.investigationPriority !== undefined ? priorityOf(row[cols.investigationPriority]) : undefined,
    entities: entitiesOf(detection, row),
    details,
    target: null,
    raw: rawRow(row),
  };
}
