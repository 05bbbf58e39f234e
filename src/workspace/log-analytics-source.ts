import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, createHttpHeaders, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import type { Column, ColumnType } from '../kql/types';
import { parseTimespanText } from '../kql/values';
import { partialCauses } from './partial-causes';
import { retryAfterOfRestError } from './retry-after';
import { throttleBackoffPolicy } from './throttle-backoff';
import { QueryError, type QueryErrorKind, type QueryResult, type QuerySource, type TimeRange } from './query-source';

export const DEFAULT_LOG_ANALYTICS_ENDPOINT = 'https://api.loganalytics.io/v1';

export interface LogAnalyticsSourceOptions {
  /** A short name for logs and cards. */
  name: string;
  workspaceId: string;
  /** The API root, ending in /v1; default https://api.loganalytics.io/v1. */
  endpoint?: string;
  /** Default DefaultAzureCredential against Azure; none against a local workspace. */
  credential?: TokenCredential;
  /** A local workspace over plain http: the client's bearer-token policy is removed (it refuses http). */
  local?: boolean;
  /** Retries after the first attempt (429 with or without Retry-After, 408, 5xx, network); default 3. */
  maxRetries?: number;
  /** Base of the exponential back-off, default 1000 ms. */
  retryDelayMs?: number;
  /** Longest back-off, default 64 s. */
  maxRetryDelayMs?: number;
  /** Sent as `Prefer: wait=N`; the service's default is 180 s. */
  serverTimeoutSeconds?: number;
}

const WIRE_TYPES: Record<string, ColumnType> = {
  string: 'string',
  guid: 'guid',
  int: 'int',
  long: 'long',
  real: 'real',
  decimal: 'decimal',
  bool: 'bool',
  datetime: 'datetime',
  timespan: 'timespan',
  dynamic: 'dynamic',
  // Older responses and other Kusto front ends spell some types differently.
  boolean: 'bool',
  int32: 'int',
  int64: 'long',
  double: 'real',
  date: 'datetime',
  object: 'dynamic',
  sbyte: 'bool',
};

/**
 * Per query: the caller's AbortSignal (LogsQueryClient 1.0 drops `abortSignal`
 * from its options) and the raw `error` of a 200 answer (a partial result,
 * which the SDK reduces to its top message). The call is named by a request
 * header that the policy removes before the request leaves, not by
 * AsyncLocalStorage, whose hooks on Node 20 and 22 would tax every promise in
 * the process (about 5 % of a click burst's CPU) once a query had run.
 */
interface CallContext {
  signal?: AbortSignal;
  partial: { error?: unknown };
}

const CALL_HEADER = 'x-firstwatch-call';
const calls = new Map<string, CallContext>();
let lastCall = 0;

/** Aborts when either signal does; the pipeline's own signal is only `AbortSignalLike`. */
function eitherSignal(a: { aborted: boolean; addEventListener(type: 'abort', listener: () => void): void }, b: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort(b.aborted ? b.reason : undefined);
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort);
  b.addEventListener('abort', abort);
  return controller.signal;
}

const callContextPolicy: PipelinePolicy = {
  name: 'firstwatchCallContextPolicy',
  async sendRequest(request, next) {
    const id = request.headers.get(CALL_HEADER);
    request.headers.delete(CALL_HEADER);
    const call = id === undefined ? undefined : calls.get(id);
    if (call?.signal) request.abortSignal = request.abortSignal ? eitherSignal(request.abortSignal, call.signal) : call.signal;
    const response = await next(request);
    if (call !== undefined && response.status === 200 && response.bodyAsText?.includes('"error"')) {
      try {
        call.partial.error = (JSON.parse(response.bodyAsText) as { error?: unknown }).error;
      } catch {
        // Not JSON: the client reports that itself.
      }
    }
    return response;
  },
};

/** 1.0 throws a TypeError on `204 No Content` (an empty workspace); answer it as an empty result instead. */
const noContentPolicy: PipelinePolicy = {
  name: 'firstwatchNoContentPolicy',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status !== 204) return response;
    return { ...response, status: 200, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: '{"tables":[]}' };
  },
};

/** Sends a bearer token over plain http, for a local workspace that checks one. */
function insecureBearerPolicy(credential: TokenCredential, scopes: string[]): PipelinePolicy {
  let cached: AccessToken | null = null;
  return {
    name: 'firstwatchLocalBearerPolicy',
    async sendRequest(request, next) {
      if (!cached || cached.expiresOnTimestamp - Date.now() < 60_000) cached = await credential.getToken(scopes);
      if (cached) request.headers.set('authorization', `Bearer ${cached.token}`);
      return next(request);
    },
  };
}

function kindForStatus(status: number): QueryErrorKind {
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'throttled';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'bad-query';
}

interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
}

function isRestErrorLike(err: unknown): err is RestErrorLike {
  return err instanceof Error && err.name === 'RestError';
}

/** The messages of an Azure error and its innererrors, outermost first, without repeats. */
function errorMessages(error: unknown): string[] {
  const messages: string[] = [];
  let node = error;
  while (typeof node === 'object' && node !== null) {
    const m = (node as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '' && !messages.some((seen) => seen.includes(m))) messages.push(m);
    node = (node as { innererror?: unknown }).innererror;
  }
  return messages;
}

/** "The request had some invalid properties: ... at 1:5", from the body the service sent. */
function serviceMessage(err: RestErrorLike): string {
  const messages = errorMessages((err.details as { error?: unknown } | undefined)?.error);
  return messages.length > 0 ? messages.join(': ') : err.message;
}

function toColumns(table: LogsTable): Column[] {
  return table.columnDescriptors.map((c, i) => {
    const name = c.name ?? '';
    const type = WIRE_TYPES[(c.type ?? '').toLowerCase()];
    if (!name || !type)
      throw new QueryError('unavailable', `the service returned column #${i + 1} as ${JSON.stringify(c)}, not a known {name, type}`);
    return { name, type };
  });
}

function toRows(columns: Column[], table: LogsTable): Record<string, unknown>[] {
  return table.rows.map((cells, r) => {
    if (!Array.isArray(cells) || cells.length !== columns.length) {
      throw new QueryError(
        'unavailable',
        `the service returned row ${r + 1} with ${Array.isArray(cells) ? cells.length : 'no'} cells for ${columns.length} columns`,
      );
    }
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const v: unknown = cells[i];
      row[c.name] = c.type === 'timespan' && typeof v === 'string' ? (parseTimespanText(v) ?? v) : v;
    });
    return row;
  });
}

/** Runs KQL against a Log Analytics workspace (Azure or local) with the real LogsQueryClient. */
export class LogAnalyticsSource implements QuerySource {
  readonly name: string;
  readonly workspaceId: string;
  /** The API root it queries; sources with the same one can share a cross-workspace query. */
  readonly endpoint: string;
  private readonly client: LogsQueryClient;
  private readonly serverTimeoutSeconds?: number;

  constructor(options: LogAnalyticsSourceOptions) {
    if (!options.name?.trim()) throw new Error('LogAnalyticsSource needs a name');
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(options.workspaceId ?? '')) {
      throw new Error(`workspaceId ${JSON.stringify(options.workspaceId)} is not a workspace id (letters, digits, '-', '.', '_')`);
    }
    const endpoint = options.endpoint ?? DEFAULT_LOG_ANALYTICS_ENDPOINT;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
    if (!/\/v1\/?$/.test(url.pathname)) throw new Error(`endpoint ${endpoint} must end in /v1 (the client uses it as given)`);
    if (url.protocol === 'http:' && !options.local)
      throw new Error(`endpoint ${endpoint} is plain http: set local: true for a local workspace`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`endpoint ${endpoint} must be http(s)`);
    const maxRetries = options.maxRetries ?? 3;
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10)
      throw new Error(`maxRetries must be an integer 0..10, got ${maxRetries}`);
    const timeout = options.serverTimeoutSeconds;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 600)) {
      throw new Error(`serverTimeoutSeconds must be an integer 1..600, got ${timeout}`);
    }
    this.name = options.name;
    this.workspaceId = options.workspaceId;
    this.endpoint = endpoint.replace(/\/$/, '');
    this.serverTimeoutSeconds = timeout;
    // The token audience follows the endpoint's cloud (api.loganalytics.io, api.loganalytics.us, ...).
    const scopes = [`${options.local ? 'https://api.loganalytics.io' : url.origin}/.default`];
    const noCredential: TokenCredential = { getToken: async () => null };
    const credential = options.credential ?? (options.local ? noCredential : new DefaultAzureCredential());
    this.client = new LogsQueryClient(credential, {
      endpoint: endpoint.replace(/\/$/, ''),
      allowInsecureConnection: options.local === true,
      retryOptions: { maxRetries, retryDelayInMs: options.retryDelayMs, maxRetryDelayInMs: options.maxRetryDelayMs },
      credentials: { scopes },
    });
    if (options.local) {
      this.client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
      if (options.credential) this.client.pipeline.addPolicy(insecureBearerPolicy(options.credential, scopes), { phase: 'Sign' });
    }
    this.client.pipeline.addPolicy(callContextPolicy);
    this.client.pipeline.addPolicy(
      throttleBackoffPolicy({ maxRetries, baseDelayMs: options.retryDelayMs ?? 1000, maxDelayMs: options.maxRetryDelayMs ?? 64_000 }),
      { phase: 'Retry' },
    );
    this.client.pipeline.addPolicy(noContentPolicy);
  }

  /** `additionalWorkspaces`: the query spans them too (at most 100 in all); rows tell their workspace by TenantId. */
  async query(
    kql: string,
    timespan: TimeRange,
    options: { signal?: AbortSignal; additionalWorkspaces?: string[] } = {},
  ): Promise<QueryResult> {
    if (typeof kql !== 'string' || kql.trim() === '') throw new QueryError('bad-query', 'the query is empty');
    if (
      !(timespan?.start instanceof Date) ||
      !(timespan.end instanceof Date) ||
      Number.isNaN(timespan.start.getTime()) ||
      Number.isNaN(timespan.end.getTime())
    ) {
      throw new QueryError('bad-query', 'timespan needs valid start and end Dates');
    }
    if (timespan.end.getTime() < timespan.start.getTime()) throw new QueryError('bad-query', 'timespan ends before it starts');
    const signal = options.signal;
    signal?.throwIfAborted();
    let result;
    const partial: { error?: unknown } = {};
    const call = String(++lastCall);
    calls.set(call, { ...(signal ? { signal } : {}), partial });
    try {
      result = await this.client.queryWorkspace(
        this.workspaceId,
        kql,
        { startTime: timespan.start, endTime: timespan.end },
        {
          ...(this.serverTimeoutSeconds ? { serverTimeoutInSeconds: this.serverTimeoutSeconds } : {}),
          ...(options.additionalWorkspaces?.length ? { additionalWorkspaces: options.additionalWorkspaces } : {}),
          requestOptions: { headers: { [CALL_HEADER]: call } },
        },
      );
    } catch (err) {
      throw this.translate(err, signal);
    } finally {
      calls.delete(call);
    }
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      const causes = partialCauses(partial.error ?? result.partialError);
      const errors = causes.filter((c) => c.severity === 'Error');
      if (errors.length > 0) {
        throw new QueryError(
          'partial',
          `${this.name}: the workspace returned a partial result: ${errors.map((c) => c.message).join('; ')}`,
          200,
          errors[0]?.code,
        );
      }
      // Warnings only: the rows are complete.
      const table = result.partialTables.find((t) => t.name === 'PrimaryResult') ?? result.partialTables[0];
      const warnings = causes.map((c) => c.message);
      if (!table) return { columns: [], rows: [], warnings };
      const columns = toColumns(table);
      return { columns, rows: toRows(columns, table), warnings };
    }
    if (result.status !== LogsQueryResultStatus.Success)
      throw new QueryError('unavailable', `unexpected query status ${String(result.status)}`);
    const table = result.tables.find((t) => t.name === 'PrimaryResult') ?? result.tables[0];
    if (!table) return { columns: [], rows: [] };
    const columns = toColumns(table);
    return { columns, rows: toRows(columns, table) };
  }

  private translate(err: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason ?? err;
    if (err instanceof QueryError) return err;
    if (isRestErrorLike(err)) {
      const status = err.statusCode;
      if (status === undefined) return new QueryError('unavailable', `${this.name}: the workspace could not be reached: ${err.message}`);
      const message = serviceMessage(err);
      return new QueryError(
        kindForStatus(status),
        `${this.name}: HTTP ${status}${err.code ? ` ${err.code}` : ''}: ${message}`,
        status,
        undefined,
        retryAfterOfRestError(err),
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    return new QueryError('unavailable', `${this.name}: unexpected failure talking to the workspace: ${message}`);
  }
}
