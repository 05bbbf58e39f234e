import type { TokenCredential } from '@azure/core-auth';
import { startLocalWorkspace } from '../app/local-workspace';
import { formatDuration, isLocalEndpoint, workspaceVariablePrefix, type Config } from '../config';
import { KNOWN_TABLE_COLUMNS } from '../detections/known-tables';
import { buildRunQuery } from '../detections';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import { enricherFor } from '../poller/enrichment';
import { LogAnalyticsSource, QueryError, type QueryResult, type WorkspaceThread } from '../workspace';
import { messageOf } from './format';
import { identityOf, type TokenIdentity } from './identity';
import type { CheckResult } from './types';
import type { Clock } from '../time/clock';

/** The tables the hunt reads (it tolerates a missing one) and the enrichment of Run Command hits. */
type Entry = Config['workspaces'][number];

const HUNT_TABLES = ['BehaviorAnalytics', 'AzureActivity', 'SigninLogs', 'AuditLogs'];
/** How far back the freshness query looks. */
const LOOK_BACK_MS = 7 * 86_400_000;

/** Tables a detection query names, among those FirstWatch knows. */
function tablesOf(query: string, candidates: readonly string[]): string[] {
  return candidates.filter((t) => new RegExp(`(^|[^A-Za-z0-9_])${t}([^A-Za-z0-9_]|$)`).test(query));
}

function workspaceIdOf(w: Config['workspace'] | Entry): string | undefined {
  return w.mode === 'log-analytics' ? w.workspaceId : undefined;
}

/** The variables that hold a workspace's settings, for the fix lines. */
function variablesOf(config: Config, entry: Entry): { id: string; endpoint: string } {
  const single =
    config.workspaces.length === 1 && entry.name === config.workspace.name && workspaceIdOf(entry) === workspaceIdOf(config.workspace);
  if (single) return { id: 'LOG_ANALYTICS_WORKSPACE_ID', endpoint: 'LOG_ANALYTICS_ENDPOINT' };
  const prefix = workspaceVariablePrefix(entry.name);
  return { id: `${prefix}ID`, endpoint: `${prefix}ENDPOINT` };
}

function ago(ms: number): string {
  if (ms < 60_000) return 'under a minute';
  return formatDuration(Math.floor(ms / 60_000) * 60_000);
}

function asDate(v: unknown): Date | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
  return d !== undefined && !Number.isNaN(d.getTime()) ? d : undefined;
}

interface Token {
  identity?: TokenIdentity;
  failed: boolean;
}

export interface WorkspaceCheckOptions {
  clock: Clock;
  credential: () => TokenCredential;
  timeoutMs: number;
  logger: Logger;
}

/** Token per Azure audience, each workspace's trivial query, its tables and how fresh their rows are. */
export async function checkWorkspaces(
  config: Config,
  detections: readonly Detection[],
  options: WorkspaceCheckOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const tokens = new Map<string, Token>();
  for (const entry of config.workspaces) {
    const local = entry.mode === 'local' || isLocalEndpoint(entry.endpoint);
    if (local) {
      results.push({ check: `azure token (${entry.name})`, verdict: 'skip', detail: 'a local workspace needs no Azure token' });
      continue;
    }
    const audience = new URL(entry.endpoint).origin;
    if (tokens.has(audience)) continue;
    const token = await obtainToken(options.credential(), `${audience}/.default`, options.timeoutMs);
    tokens.set(audience, token);
    results.push(
      token.failed
        ? {
            check: 'azure token',
            verdict: 'FAIL',
            detail: `no token for ${audience}: ${token.identity?.description ?? 'no identity answered'}`,
            fix: 'in Azure give FirstWatch a managed identity; elsewhere set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run az login',
          }
        : {
            check: 'azure token',
            verdict: 'ok',
            detail: `${token.identity?.description ?? 'an identity'} obtained a token for ${audience}`,
          },
    );
  }

  const detectionTables = new Map<string, string[]>();
  for (const d of detections) {
    for (const t of tablesOf(d.query, [...new Set([...HUNT_TABLES, ...Object.keys(KNOWN_TABLE_COLUMNS)])])) {
      detectionTables.set(t, [...(detectionTables.get(t) ?? []), d.slug]);
    }
  }
  // A missing enrichment table costs no alert (the card says the target is unknown), so it warns rather than fails.
  const enrichmentTables = new Map<string, string[]>();
  for (const d of detections) {
    const name = d.firstwatch.enrichment;
    if (name === undefined) continue;
    for (const t of enricherFor(name).tables)
      enrichmentTables.set(t, [...(enrichmentTables.get(t) ?? []), `${d.slug}'s enrichment (${name})`]);
  }
  const wanted = [...new Set([...detectionTables.keys(), ...enrichmentTables.keys(), ...HUNT_TABLES])];
  // Rows later than an ingestion-time rule's look-back (queryPeriod + allowance) are its missed hits unless LATE_ROWS=alert.
  const lateBounds = new Map<string, { ms: number; rules: string[] }>();
  for (const d of detections) {
    if (d.firstwatch.window !== 'ingestion-time') continue;
    const ms = d.queryPeriodMs + config.schedule.ingestionDelayAllowanceMs;
    for (const t of tablesOf(d.query, [...new Set([...HUNT_TABLES, ...Object.keys(KNOWN_TABLE_COLUMNS)])])) {
      const known = lateBounds.get(t);
      lateBounds.set(t, { ms: Math.min(known?.ms ?? ms, ms), rules: [...(known?.rules ?? []), d.slug] });
    }
  }

  for (const entry of config.workspaces) {
    const local = entry.mode === 'local' || isLocalEndpoint(entry.endpoint);
    const token = local ? undefined : tokens.get(new URL(entry.endpoint).origin);
    if (token?.failed) {
      results.push({ check: `workspace ${entry.name}`, verdict: 'skip', detail: 'not queried: no Azure token (see above)' });
      continue;
    }
    let server: WorkspaceThread | undefined;
    try {
      let source: LogAnalyticsSource;
      if (entry.mode === 'local') {
        // The doctor looks; it never writes into the user's folder.
        server = await startLocalWorkspace(config.workspace.localDir, 0, options.logger, { readOnly: true });
        source = new LogAnalyticsSource({
          name: entry.name,
          workspaceId: server.workspaceIds[0] as string,
          endpoint: server.url,
          local: true,
          maxRetries: 0,
        });
      } else {
        source = new LogAnalyticsSource({
          name: entry.name,
          workspaceId: entry.workspaceId,
          endpoint: entry.endpoint,
          local,
          maxRetries: 0,
          serverTimeoutSeconds: Math.max(1, Math.min(600, Math.ceil(options.timeoutMs / 1000))),
          ...(local ? {} : { credential: options.credential() }),
        });
      }
      const checked = await checkOne(
        config,
        entry,
        source,
        wanted,
        { detectionTables, enrichmentTables, lateBounds },
        token?.identity,
        options,
      );
      results.push(...checked);
      // Only a workspace that answered is worth asking to run each rule.
      if (checked[0]?.verdict === 'ok') results.push(...(await checkRules(entry, source, detections, options)));
    } catch (err) {
      results.push({
        check: `workspace ${entry.name}`,
        verdict: 'FAIL',
        detail: messageOf(err),
        fix: `check LOCAL_WORKSPACE_DIR (${config.workspace.localDir}) is writable`,
      });
    } finally {
      await server?.close();
    }
  }
  return results;
}

/** How much time each rule's trial run reads: enough to run the whole query, little enough to cost nothing. */
const TRIAL_WINDOW_MS = 60_000;

/**
 * Runs each rule's query once over the last minute, so a table the workspace lacks, or a construct
 * it refuses, fails here rather than at every scheduled run. Its rows are not looked at.
 */
async function checkRules(
  entry: Entry,
  source: LogAnalyticsSource,
  detections: readonly Detection[],
  options: WorkspaceCheckOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let ran = 0;
  const end = options.clock();
  const start = new Date(end.getTime() - TRIAL_WINDOW_MS);
  for (const d of detections) {
    const check = `rule ${d.slug} on ${entry.name}`;
    try {
      const { query } = buildRunQuery(d, { ingestStart: start, ingestEnd: end });
      await source.query(query, { start, end }, { signal: AbortSignal.timeout(options.timeoutMs) });
      ran++;
    } catch (err) {
      const detail = messageOf(err);
      if (err instanceof QueryError && err.kind === 'bad-query') {
        const table = /unknown table '([^']+)'|'([^']+)' could not be resolved/.exec(detail);
        const name = table?.[1] ?? table?.[2];
        results.push({
          check,
          verdict: 'FAIL',
          detail: `the workspace refused its query, so every run would fail: ${detail}`,
          fix:
            name !== undefined
              ? entry.mode === 'local'
                ? `add the ${name} table to the local workspace (export it from Log Analytics, then firstwatch workspace import), or remove ${d.file}`
                : `connect the data connector that fills ${name} in Microsoft Sentinel, or remove ${d.file}`
              : `correct the query in ${d.file} (firstwatch detections test runs its test cases)`,
        });
      } else results.push({ check, verdict: 'warn', detail: `its trial run did not finish: ${detail}` });
    }
  }
  if (ran > 0) results.push({ check: `rules on ${entry.name}`, verdict: 'ok', detail: `${ran} of ${detections.length} rule queries run` });
  return results;
}

async function obtainToken(credential: TokenCredential, scope: string, timeoutMs: number): Promise<Token> {
  try {
    const token = await credential.getToken(scope, { abortSignal: AbortSignal.timeout(timeoutMs) });
    if (token === null)
      return { failed: true, identity: { description: 'the credential returned no token', principalType: 'ServicePrincipal' } };
    return { failed: false, identity: identityOf(token.token) };
  } catch (err) {
    // DefaultAzureCredential lists every credential it tried; the first sentence is what matters.
    return { failed: true, identity: { description: messageOf(err).slice(0, 400), principalType: 'ServicePrincipal' } };
  }
}

async function checkOne(
  config: Config,
  entry: Entry,
  source: LogAnalyticsSource,
  wanted: string[],
  readersOf: {
    detectionTables: Map<string, string[]>;
    enrichmentTables: Map<string, string[]>;
    lateBounds: Map<string, { ms: number; rules: string[] }>;
  },
  identity: TokenIdentity | undefined,
  options: WorkspaceCheckOptions,
): Promise<CheckResult[]> {
  const check = `workspace ${entry.name}`;
  const vars = variablesOf(config, entry);
  const now = options.clock();
  const bounds = [...readersOf.lateBounds.values()].map((b) => b.ms);
  const lateBound = bounds.length > 0 ? Math.min(...bounds) : undefined;
  // The lag is computed per row before summarize: the embedded engine has no ingestion_time() inside an aggregate.
  const lag = lateBound === undefined ? '' : ' | extend _fw_lag = ingestion_time() - TimeGenerated';
  const late = lateBound === undefined ? '' : `, Late = countif(_fw_lag > ${Math.floor(lateBound / 1000)}s)`;
  const query = `union isfuzzy=true ${wanted.join(', ')}${lag} | summarize Rows = count(), Newest = max(TimeGenerated), Ingested = max(ingestion_time())${late} by Type`;
  let result: QueryResult;
  try {
    result = await source.query(
      query,
      { start: new Date(now.getTime() - LOOK_BACK_MS), end: now },
      { signal: AbortSignal.timeout(options.timeoutMs) },
    );
  } catch (err) {
    return [queryFailure(check, entry, err, vars, identity, options.timeoutMs)];
  }
  const results: CheckResult[] = [
    {
      check,
      verdict: 'ok',
      detail: `answers at ${entry.mode === 'local' ? 'the embedded local workspace' : entry.endpoint}${entry.mode === 'log-analytics' ? ` (workspace id ${entry.workspaceId})` : ''}`,
    },
  ];
  const rows = new Map(result.rows.map((r) => [String(r.Type), r]));
  for (const table of wanted) {
    const readers = readersOf.detectionTables.get(table);
    const everyone = [
      ...(readers ?? []),
      ...(readersOf.enrichmentTables.get(table) ?? []),
      ...(HUNT_TABLES.includes(table) ? ['the hunt'] : []),
    ];
    const who = everyone.length > 0 ? `read by ${everyone.join(', ')}` : 'read';
    const row = rows.get(table);
    const newest = asDate(row?.Newest);
    if (row === undefined || newest === undefined) {
      results.push({
        check: `${check} ${table}`,
        verdict: readers ? 'FAIL' : 'warn',
        detail: `no rows in the last ${formatDuration(LOOK_BACK_MS)} (${who}): the table is missing or empty`,
        fix:
          table === 'BehaviorAnalytics'
            ? 'turn on UEBA in Microsoft Sentinel (Settings → Entity behavior analytics)'
            : `connect the ${table} data connector in Microsoft Sentinel`,
      });
      continue;
    }
    const age = now.getTime() - newest.getTime();
    const ingested = asDate(row.Ingested);
    const lag = ingested !== undefined ? `, newest ingested ${ago(now.getTime() - ingested.getTime())} ago` : '';
    const stale = age > config.schedule.ingestionDelayAllowanceMs;
    const bound = readersOf.lateBounds.get(table);
    const lateRows = Number(row.Late ?? 0);
    if (bound !== undefined && lateBound !== undefined && lateRows > 0) {
      results.push({
        check: `${check} ${table} late rows`,
        verdict: 'warn',
        detail: `${lateRows} row(s) in ${formatDuration(LOOK_BACK_MS)} reached the workspace more than ${formatDuration(lateBound)} after their TimeGenerated, later than the look-back of ${bound.rules.join(', ')}: ${config.schedule.lateRows === 'alert' ? 'their hits alert anyway (LATE_ROWS=alert)' : 'their hits are counted, not alerted (LATE_ROWS=count)'}`,
        fix: `raise INGESTION_DELAY_ALLOWANCE (now ${formatDuration(config.schedule.ingestionDelayAllowanceMs)})${config.schedule.lateRows === 'alert' ? '' : ' or set LATE_ROWS=alert'}`,
      });
    }
    results.push({
      check: `${check} ${table}`,
      verdict: stale ? 'warn' : 'ok',
      detail: `${String(row.Rows)} rows in ${formatDuration(LOOK_BACK_MS)}, newest TimeGenerated ${ago(age)} ago${lag} (${who})`,
      ...(stale
        ? {
            fix: `rows arrive later than INGESTION_DELAY_ALLOWANCE (${formatDuration(config.schedule.ingestionDelayAllowanceMs)}): check the data connector, or raise the allowance`,
          }
        : {}),
    });
  }
  return results;
}

function queryFailure(
  check: string,
  entry: Entry,
  err: unknown,
  vars: { id: string; endpoint: string },
  identity: TokenIdentity | undefined,
  timeoutMs: number,
): CheckResult {
  const detail = messageOf(err);
  if (err instanceof QueryError) {
    if (err.kind === 'forbidden') {
      const scope =
        entry.resourceId ??
        '/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<workspace>';
      const assignee = identity?.objectId
        ? `--assignee-object-id ${identity.objectId} --assignee-principal-type ${identity.principalType}`
        : '--assignee <principal object id>';
      return {
        check,
        verdict: 'FAIL',
        detail: `the query was refused (HTTP ${err.statusCode ?? 403}): ${identity?.description ?? 'the identity'} lacks the Log Analytics Reader role on this workspace`,
        fix: `az role assignment create ${assignee} --role "Log Analytics Reader" --scope ${scope}`,
      };
    }
    if (err.kind === 'not-found') {
      return {
        check,
        verdict: 'FAIL',
        detail,
        fix: `check ${vars.id} (the workspace id on the workspace's Overview page) and ${vars.endpoint}`,
      };
    }
    if (err.kind === 'unavailable' || err.kind === 'timeout') {
      return {
        check,
        verdict: 'FAIL',
        detail: `unreachable: ${detail}`,
        fix: `check ${vars.endpoint} (${entry.endpoint}) and that this host can reach it (proxy, firewall, DNS)`,
      };
    }
    if (err.kind === 'throttled') {
      return {
        check,
        verdict: 'warn',
        detail: `throttled: ${detail}`,
        fix: 'run the doctor again in a minute; if it persists, lower HUNT_MAX_CONCURRENCY',
      };
    }
    return {
      check,
      verdict: 'FAIL',
      detail,
      fix: 'the workspace rejected a query over the Sentinel tables: check that Microsoft Sentinel is enabled on it',
    };
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return {
      check,
      verdict: 'FAIL',
      detail: `no answer within ${formatDuration(timeoutMs)}`,
      fix: `check ${vars.endpoint} (${entry.endpoint}) and that this host can reach it`,
    };
  }
  return { check, verdict: 'FAIL', detail, fix: `check ${vars.endpoint} (${entry.endpoint})` };
}
