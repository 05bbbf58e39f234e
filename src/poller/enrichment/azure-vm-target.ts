import type { AlertTarget, NewAlert } from '../../alerts/types';
import { QueryError, type QuerySource } from '../../workspace/query-source';
import type { TableCatalog } from '../../workspace/table-catalog';
import type { Enricher, EnrichmentResult } from './types';
import { VM_OPERATIONS, extensionMechanism, familyOf, findOperation, operationFamily, parseResourceId } from './operations';

/** How far apart the UEBA row and its AzureActivity rows may be. */
const MATCH_WINDOW_MS = 60 * 60 * 1000;

interface ActivityRow {
  time: Date;
  caller: string;
  operation: string;
  status: string;
  correlationId: string;
  resourceId: string;
}

/**
 * BehaviorAnalytics does not say which machine was touched; AzureActivity
 * does. One query per poll covers every hit: same caller, a Run Command or
 * extension operation, close in time.
 */
export class AzureVmTargetEnricher implements Enricher {
  readonly name = 'azure-vm-target';
  readonly tables = [ACTIVITY_TABLE];

  async enrich(alerts: NewAlert[], source: QuerySource, tables?: TableCatalog): Promise<EnrichmentResult> {
    const callers = [...new Set(alerts.map((a) => a.subject.upn?.toLowerCase()).filter(isText))];
    if (callers.length === 0) return { alerts: alerts.map((a) => ({ ...a, target: { found: false } })) };
    if (tables !== undefined && (await tables.tables(source, [ACTIVITY_TABLE])).missing.length > 0) {
      const unavailable = `${ACTIVITY_TABLE} not available in this workspace`;
      return { alerts: alerts.map((a) => ({ ...a, target: { found: false, unavailable } })), unavailable };
    }
    const times = alerts.map((a) => a.eventTime.getTime());
    const range = { start: new Date(Math.min(...times) - 2 * MATCH_WINDOW_MS), end: new Date(Math.max(...times) + 2 * MATCH_WINDOW_MS) };
    let rows: ActivityRow[];
    try {
      const result = await source.query(buildActivityQuery(callers), range);
      rows = result.rows.map(toActivityRow).filter((r): r is ActivityRow => r !== undefined);
    } catch (err) {
      // The hit stands without its machine: say why on the card instead of losing the alert.
      const unavailable = await whyUnavailable(err, source, range);
      // The table may have gone since it was learned: learn the workspace again next time.
      if (unavailable.endsWith('not available in this workspace')) tables?.forget(source.name);
      return { alerts: alerts.map((a) => ({ ...a, target: { found: false, unavailable } })), unavailable };
    }
    return { alerts: alerts.map((alert) => ({ ...alert, target: matchTarget(alert, rows) })) };
  }
}

const ACTIVITY_TABLE = 'AzureActivity';

/**
 * A rejected query is most often a workspace without AzureActivity (no connector);
 * one probe of the table tells that apart from a query the workspace cannot run.
 */
async function whyUnavailable(err: unknown, source: QuerySource, range: { start: Date; end: Date }): Promise<string> {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof QueryError)) return `${ACTIVITY_TABLE} query failed: ${message}`;
  if (err.kind === 'timeout') return `${ACTIVITY_TABLE} query timed out`;
  if (err.kind !== 'bad-query') return `${ACTIVITY_TABLE} query failed (${err.kind}): ${message}`;
  try {
    await source.query(`${ACTIVITY_TABLE} | take 0`, range);
  } catch (probe) {
    if (probe instanceof QueryError && probe.kind === 'bad-query') return `${ACTIVITY_TABLE} not available in this workspace`;
  }
  return `${ACTIVITY_TABLE} query rejected: ${message}`;
}

/**
 * Callers come from query results, which an attacker may shape: they enter
 * the query only inside one base64 literal, never as KQL text.
 */
export function buildActivityQuery(callers: string[]): string {
  const encoded = Buffer.from(callers.join('\n'), 'utf8').toString('base64');
  const operations = VM_OPERATIONS.map((op) => `"${op.operation}"`).join(', ');
  return [
    `let _callers = split(base64_decode_tostring("${encoded}"), "\\n");`,
    // The table itself, not a fuzzy union: without AzureActivity the query is refused, and whyUnavailable says so on the card.
    'AzureActivity',
    `| where OperationNameValue in~ (${operations})`,
    '| where tolower(Caller) in (_callers)',
    '| project TimeGenerated, Caller, OperationNameValue, ActivityStatusValue, CorrelationId, _ResourceId',
  ].join('\n');
}

function toActivityRow(row: Record<string, unknown>): ActivityRow | undefined {
  const time = row.TimeGenerated;
  const caller = row.Caller;
  const operation = row.OperationNameValue;
  const resourceId = row._ResourceId;
  if (!(time instanceof Date) || typeof caller !== 'string' || typeof operation !== 'string') return undefined;
  if (typeof resourceId !== 'string' || resourceId.length === 0) return undefined;
  return {
    time,
    caller: caller.toLowerCase(),
    operation,
    status: typeof row.ActivityStatusValue === 'string' ? row.ActivityStatusValue : '',
    correlationId: typeof row.CorrelationId === 'string' ? row.CorrelationId : '',
    resourceId,
  };
}

function hitActionText(alert: NewAlert): string {
  const insights = alert.raw.ActivityInsights;
  const parsed = typeof insights === 'string' ? safeJson(insights) : insights;
  const message =
    parsed !== null && typeof parsed === 'object' && 'EventMessage' in parsed
      ? String((parsed as Record<string, unknown>).EventMessage)
      : '';
  return `${message} ${alert.action ?? ''} ${String(alert.raw.ActionType ?? '')}`;
}

function matchTarget(alert: NewAlert, rows: ActivityRow[]): AlertTarget {
  const upn = alert.subject.upn?.toLowerCase();
  const family = operationFamily(hitActionText(alert));
  const at = alert.eventTime.getTime();
  let best: ActivityRow | undefined;
  for (const row of rows) {
    if (row.caller !== upn) continue;
    const op = findOperation(row.operation);
    if (op === undefined || (family !== undefined && familyOf(op) !== family)) continue;
    const distance = Math.abs(row.time.getTime() - at);
    if (distance > MATCH_WINDOW_MS) continue;
    if (best === undefined || distance < Math.abs(best.time.getTime() - at)) best = row;
  }
  if (best === undefined) return { found: false };
  const chosen = best;
  const op = findOperation(chosen.operation);
  // One operation writes Started/Accepted/Succeeded rows: report the group's outcome.
  const group = rows.filter((r) => chosen.correlationId !== '' && r.correlationId === chosen.correlationId);
  const outcome = group.find((r) => /^(succeeded|failed|canceled)$/i.test(r.status))?.status ?? chosen.status;
  const parts = parseResourceId(chosen.resourceId);
  const extensionType = extensionName(chosen.resourceId);
  const mechanism =
    op === undefined ? undefined : familyOf(op) === 'extension' ? extensionMechanism(chosen.resourceId, extensionType) : op.mechanism;
  return {
    found: true,
    kind: op?.kind ?? 'other',
    mechanism,
    resourceId: parts.machineId ?? chosen.resourceId,
    name: parts.name,
    resourceGroup: parts.resourceGroup,
    subscriptionId: parts.subscriptionId,
    operation: chosen.operation.toUpperCase(),
    operationStatus: outcome || undefined,
    correlationId: chosen.correlationId || undefined,
    extensionType,
  };
}

function extensionName(resourceId: string): string | undefined {
  const m = /\/extensions\/([^/]+)/i.exec(resourceId);
  return m?.[1];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isText(v: string | undefined): v is string {
  return typeof v === 'string' && v.length > 0;
}
