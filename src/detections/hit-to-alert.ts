import { hash } from 'node:crypto';
import type { AlertEntity, NewAlert, Severity } from '../alerts/types';
import { DetectionHitError } from './errors';
import { asDate, cellText, dynamicValue, isPresent, isTrueish, rawRow } from './row-values';
import { TACTICS } from './sentinel-vocabulary';
import type { CardMappings, Detection } from './types';

const SEVERITIES: Severity[] = ['Informational', 'Low', 'Medium', 'High'];
const EVENT_TIME_COLUMNS = ['TimeGenerated', 'timestamp', 'StartTime', 'StartTimeUtc', 'FirstSeen', 'EndTime', 'EndTimeUtc'];

const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

/** A format split once into its text and its {{Column}}s: text[0] col[0] text[1] … text[n]. */
interface Format {
  text: string[];
  columns: string[];
}

function compileFormat(format: string): Format {
  const text: string[] = [];
  const columns: string[] = [];
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(format); m !== null; m = PLACEHOLDER.exec(format)) {
    text.push(format.slice(last, m.index));
    columns.push(m[1] as string);
    last = m.index + m[0].length;
  }
  text.push(format.slice(last));
  return { text, columns };
}

function render(f: Format, row: Record<string, unknown>): string {
  let out = f.text[0] as string;
  for (let i = 0; i < f.columns.length; i++) out += cellText(row[f.columns[i] as string]) + (f.text[i + 1] as string);
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

/** {{Column}} → the row's value; missing or empty values render as nothing. */
export function renderFormat(format: string, row: Record<string, unknown>): string {
  return render(compileFormat(format), row);
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
  const c = planOf(detection).card;
  return {
    subjectUpn: c.subjectUpn ?? ifPresent(row, 'UserPrincipalName'),
    subjectName: c.subjectName,
    subjectObjectId: c.subjectObjectId,
    action: c.action ?? ifPresent(row, 'ActionType'),
    sourceIp: c.sourceIp,
    location: c.location,
    insights: c.insights ?? ifPresent(row, 'ActivityInsights'),
    investigationPriority: c.investigationPriority ?? ifPresent(row, 'InvestigationPriority'),
    ingestionTime: c.ingestionTime ?? ifPresent(row, 'IngestionTime'),
  };
}

/** The card columns that do not depend on the row (cardColumns adds the well-known ones a row has). */
function ruleCardColumns(detection: Detection): CardMappings {
  const c = detection.firstwatch.card;
  return {
    subjectUpn: c.subjectUpn ?? entityColumn(detection, 'Account', ['FullName']),
    subjectName: c.subjectName ?? entityColumn(detection, 'Account', ['DisplayName', 'Name']),
    subjectObjectId: c.subjectObjectId ?? entityColumn(detection, 'Account', ['AadUserId', 'ObjectGuid']),
    action: c.action,
    sourceIp: c.sourceIp ?? entityColumn(detection, 'IP', ['Address']),
    location: c.location,
    insights: c.insights,
    investigationPriority: c.investigationPriority,
    ingestionTime: c.ingestionTime,
  };
}

function ifPresent(row: Record<string, unknown>, col: string): string | undefined {
  return col in row ? col : undefined;
}

/** What hitToAlert needs from a rule, worked out once per rule rather than once per hit. */
interface HitPlan {
  fingerprint: { columns: string[]; explicit: boolean };
  card: CardMappings;
  details: [label: string, column: string][];
  title: Format | undefined;
  description: Format | undefined;
}

// Detections are not changed once loaded; a new (edited) rule object gets its own plan.
const plans = new WeakMap<Detection, HitPlan>();

function planOf(detection: Detection): HitPlan {
  let plan = plans.get(detection);
  if (plan === undefined) {
    const override = detection.alertDetailsOverride;
    plan = {
      fingerprint: computeFingerprintColumns(detection),
      card: ruleCardColumns(detection),
      details: Object.entries(detection.customDetails),
      title: override?.alertDisplayNameFormat ? compileFormat(override.alertDisplayNameFormat) : undefined,
      description: override?.alertDescriptionFormat ? compileFormat(override.alertDescriptionFormat) : undefined,
    };
    plans.set(detection, plan);
  }
  return plan;
}

function text(row: Record<string, unknown>, col: string | undefined): string | undefined {
  if (col === undefined || !isPresent(row[col])) return undefined;
  const t = cellText(row[col]);
  return t === '' ? undefined : t;
}

function computeFingerprintColumns(detection: Detection): { columns: string[]; explicit: boolean } {
  if (detection.firstwatch.fingerprint.length > 0) return { columns: [...detection.firstwatch.fingerprint], explicit: true };
  const cols = new Set<string>();
  for (const m of detection.entityMappings) for (const f of m.fieldMappings) cols.add(f.columnName);
  cols.add('TimeGenerated');
  return { columns: [...cols].sort(), explicit: false };
}

/** A value in one canonical text: object keys sorted, and array items too, since make_set/make_list order is not guaranteed. */
function canonical(v: unknown): string {
  const parsed = dynamicValue(v);
  if (parsed === null || parsed === undefined) return '';
  if (parsed instanceof Date) return cellText(parsed);
  if (Array.isArray(parsed)) return `[${parsed.map(canonical).sort().join(',')}]`;
  if (typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return cellText(parsed);
}

/**
 * sha256 of the detection id, the workspace and the dedup key's values; 32 hex characters.
 *
 * The key is the rule's `fingerprint` columns when it names them. Otherwise a row with
 * TimeGenerated and at least one entity column is keyed by those (one event, one alert); any
 * other row (an aggregate: `summarize ... by Caller`, `project StartTime, EndTime, ...`) is keyed
 * by all its values, so the same aggregate seen again in an overlapping window is not alerted
 * twice, and a changed one is. The workspace is part of it: the same row in two workspaces is
 * two events, two alerts.
 */
export function fingerprintOf(detection: Detection, row: Record<string, unknown>, workspace: string): string {
  return digest([detection.id, `workspace:${workspace}`, ...keyValues(detection, row)]);
}

/**
 * The fingerprint alerts were stored under before it named the workspace (one per rule). Kept
 * so a row alerted before an upgrade and seen again in an overlapping window is not alerted twice.
 */
export function ruleWideFingerprintOf(detection: Detection, row: Record<string, unknown>): string {
  return digest([detection.id, ...keyValues(detection, row)]);
}

function digest(values: string[]): string {
  return hash('sha256', JSON.stringify(values), 'hex').slice(0, 32);
}

function keyValues(detection: Detection, row: Record<string, unknown>): string[] {
  const { columns, explicit } = planOf(detection).fingerprint;
  const values: string[] = [];
  if (explicit) {
    for (const col of columns) {
      if (!(col in row) || !isPresent(row[col])) {
        throw new DetectionHitError(
          detection.id,
          detection.name,
          `fingerprint column ${col} is ${col in row ? 'empty' : 'missing'} in a result row (columns: ${Object.keys(row).join(', ')})`,
        );
      }
      values.push(cellText(row[col]));
    }
  } else {
    const present = columns.filter((col) => col in row);
    const event = present.includes('TimeGenerated') && isPresent(row.TimeGenerated) && present.length > 1;
    if (event) {
      for (const col of present) values.push(cellText(row[col]));
    } else {
      values.push('*row');
      for (const col of Object.keys(row).sort()) values.push(col, canonical(row[col]));
    }
  }
  return values;
}

function insightsOf(value: unknown): string[] {
  const parsed = dynamicValue(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const fired: string[] = [];
  const flags = parsed as Record<string, unknown>;
  for (const k of Object.keys(flags)) {
    const v = flags[k];
    // The spellings UEBA writes are checked first: isTrueish trims and lower-cases.
    if (v === 'True' || v === true || (v !== 'False' && v !== false && isTrueish(v))) fired.push(k);
  }
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

/** The row's event time: a well-known time column, else its first datetime cell. */
function eventTimeOf(row: Record<string, unknown>): Date | undefined {
  for (const c of EVENT_TIME_COLUMNS) {
    const d = asDate(row[c]);
    if (d !== undefined) return d;
  }
  for (const v of Object.values(row)) if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
  return undefined;
}

/**
 * One result row of a detection → the alert it raises (no target yet: enrichment fills it).
 * A row with no time of its own (an aggregate without one) is dated `observedAt`, the run's end.
 */
export function hitToAlert(
  detection: Detection,
  row: Record<string, unknown>,
  workspaceName: string,
  observedAt: Date = new Date(),
): NewAlert {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new DetectionHitError(detection.id, detection.name, 'a result row must be an object of column: value');
  }
  const fingerprint = fingerprintOf(detection, row, workspaceName);
  const eventTime = eventTimeOf(row) ?? observedAt;
  const plan = planOf(detection);
  const cols = cardColumns(detection, row);
  const title = plan.title ? render(plan.title, row) : '';
  const description = plan.description ? render(plan.description, row) : '';

  const details: Record<string, string> = {};
  for (const [label, col] of plan.details) {
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

  const ingestionTime = cols.ingestionTime !== undefined ? asDate(row[cols.ingestionTime]) : undefined;

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
    ...(ingestionTime !== undefined ? { ingestionTime } : {}),
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
