import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TableSource } from '../../kql/types';
import { loadWorkspace } from '../files/load';
import { encodeRows, evaluate, KqlError } from './engine';
import { codeForStatus, errorBody, HttpError } from './errors';
import { FaultQueue, type Fault } from './faults';
import { IdentitySlots, SERVICE_CONCURRENCY, type ConcurrencyLimits } from './concurrency';
import { partialErrorBody, rowLimitCause, SEMANTIC_WARNING_CODE, sizeLimitCause, type PartialCause } from './partial';
import { parseTimespan, TimespanError } from './timespan';
import type { SentinelIncidentStandIn } from './sentinel-incidents';
import type { ServiceLimits } from './service-limits';
import { queriedWorkspaces, unionOfWorkspaces } from './cross-workspace';
import { systemClock, type Clock } from '../../time/clock';

export const DEFAULT_LOCAL_WORKSPACE_ID = '00000000-0000-0000-0000-000000000000';

export interface WorkspaceServerOptions {
  /** Folder of NDJSON tables to serve (see files/format.ts); reloadable. */
  dir?: string;
  /** Tables held in memory instead of a folder. */
  source?: TableSource;
  /** The workspace id(s) this server answers for; default DEFAULT_LOCAL_WORKSPACE_ID. */
  workspaceId?: string | string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Require `Authorization: Bearer <token>`: a token string to match exactly, or true for any bearer token. */
  requireBearer?: string | true;
  /** What `now()` is; default the system clock. */
  clock?: Clock;
  /** Largest accepted request body, default 1 MiB. */
  maxBodyBytes?: number;
  /** Row limit per result (Log Analytics: 500,000); beyond it the result is truncated and flagged as a partial failure. */
  maxRows?: number;
  /** Per-user concurrency (Log Analytics: 5 running, the rest queued up to 3 min, at most 200 queued, then 429). Default the service's. */
  concurrency?: ConcurrencyLimits;
  /** Size limit of a result's rows as JSON, in bytes (Log Analytics: about 64 MB); beyond it the rows are cut like the row limit. Default unlimited. */
  maxResultBytes?: number;
  /** Server-side time limit when the request has no `Prefer: wait=N`, default 180 s (the service's default). */
  defaultWaitSeconds?: number;
  /**
   * With `dir`: listen at once and read the folder afterwards; queries wait for it.
   * A start is then not held up by a large folder; a folder that fails to load
   * makes every query answer 503 with the reason, as `loaded` rejects with it.
   */
  loadInBackground?: boolean;
  /** Also answer Sentinel's incident endpoints (ARM paths under /subscriptions/...) from this stand-in. */
  incidents?: SentinelIncidentStandIn;
  /** Azure Monitor's per-identity query limits and a per-query latency (service-limits.ts); default none. */
  limits?: ServiceLimits;
  /** Tables of one workspace id, when the workspaces served hold different rows; default the shared ones. */
  tablesFor?: (workspaceId: string) => TableSource | undefined;
}

export interface RequestRecord {
  method: string;
  path: string;
  workspaceId?: string;
  query?: string;
  timespan?: string;
  prefer?: string;
  hasBearer: boolean;
  status: number;
}

export interface WorkspaceServer {
  /** The endpoint for LogsQueryClient, ending in /v1. */
  url: string;
  host: string;
  port: number;
  workspaceIds: string[];
  faults: FaultQueue;
  /** Every request served, oldest first (last 1,000). */
  requests: RequestRecord[];
  /** Settles when the tables are in memory (at once unless `loadInBackground`); rejects with the loading error. */
  loaded: Promise<void>;
  /** Re-reads the folder; on a bad file the served data stays as it was and the error is thrown. */
  reload(): Promise<void>;
  /** Serves these tables from now on. */
  setSource(source: TableSource): void;
  close(): Promise<void>;
}

const WORKSPACE_QUERY_PATH = /^\/v1\/workspaces\/([^/]+)\/query$/;
const MAX_LOGGED = 1000;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }),
    ...headers,
  });
  res.end(text);
}

function parseWait(prefer: string | undefined, fallback: number): number {
  if (!prefer) return fallback;
  for (const part of prefer.split(',')) {
    const m = /^\s*wait\s*=\s*(\d+)\s*$/i.exec(part);
    if (m) return Math.min(Number(m[1]), 600);
  }
  return fallback;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'PayloadTooLarge', `the request body is ${declared} bytes; the limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'PayloadTooLarge', `the request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface QueryBody {
  query: string;
  timespan?: string;
  workspaces?: string[];
}

function parseBody(text: string): QueryBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'BadArgumentError', `the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(
      400,
      'BadArgumentError',
      'the request body must be a JSON object {"query": "...", "timespan"?: "...", "workspaces"?: [...]}',
    );
  }
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || b.query.trim() === '') {
    throw new HttpError(400, 'BadArgumentError', 'the request body needs "query": a non-empty string of KQL');
  }
  if (b.timespan !== undefined && b.timespan !== null && typeof b.timespan !== 'string') {
    throw new HttpError(400, 'BadArgumentError', '"timespan" must be an ISO 8601 string such as "PT2H" or "<start>/<end>"');
  }
  if (
    b.workspaces !== undefined &&
    b.workspaces !== null &&
    (!Array.isArray(b.workspaces) || !b.workspaces.every((w) => typeof w === 'string'))
  ) {
    throw new HttpError(400, 'BadArgumentError', '"workspaces" must be an array of workspace ids');
  }
  return {
    query: b.query,
    timespan: typeof b.timespan === 'string' ? b.timespan : undefined,
    workspaces: Array.isArray(b.workspaces) ? (b.workspaces as string[]) : undefined,
  };
}

function tryParseBody(text: string): QueryBody | HttpError {
  try {
    return parseBody(text);
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
}

/** Waits `ms`, or less if the client goes away first. */
function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

/** Starts the local Log Analytics query API on loopback (by default). */
export async function startWorkspaceServer(options: WorkspaceServerOptions): Promise<WorkspaceServer> {
  if (!options.dir && !options.source) throw new Error('startWorkspaceServer needs a data folder (dir) or tables (source)');
  const ids = options.workspaceId === undefined ? [DEFAULT_LOCAL_WORKSPACE_ID] : ([] as string[]).concat(options.workspaceId);
  if (ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9._-]{1,128}$/.test(id))) {
    throw new Error(`workspace ids must be 1-128 letters, digits, '.', '_' or '-': ${JSON.stringify(ids)}`);
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be 0..65535, got ${port}`);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const maxRows = options.maxRows ?? 500_000;
  const defaultWait = options.defaultWaitSeconds ?? 180;
  const clock = options.clock ?? systemClock;
  if (options.requireBearer === '') throw new Error('requireBearer must be a non-empty token or true');

  let source: TableSource | undefined = options.source;
  let loading: Promise<TableSource> | undefined;
  if (source === undefined) {
    if (options.loadInBackground) {
      loading = loadWorkspace(options.dir as string);
      // Observed here so an unread failure is not an unhandled rejection; queries and `loaded` report it.
      loading.then((s) => (source ??= s)).catch(() => undefined);
    } else {
      source = await loadWorkspace(options.dir as string);
    }
  }
  const loaded = loading === undefined ? Promise.resolve() : loading.then(() => undefined);
  loaded.catch(() => undefined);
  const faults = new FaultQueue();
  const slots = new IdentitySlots(options.concurrency ?? SERVICE_CONCURRENCY);
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (options.incidents?.matches(path)) {
      await serveIncidents(options.incidents, req, res, record);
      return;
    }
    const match = WORKSPACE_QUERY_PATH.exec(path);
    if (!match)
      throw new HttpError(
        404,
        'PathNotFoundError',
        `no such API: ${req.method} ${path} (this server answers POST /v1/workspaces/{id}/query)`,
      );
    if (req.method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', `use POST for ${path}`, undefined, { allow: 'POST' });
    let workspaceId: string;
    try {
      workspaceId = decodeURIComponent(match[1]);
    } catch {
      throw new HttpError(400, 'BadArgumentError', `the workspace id in ${path} is not valid URL encoding`);
    }
    record.workspaceId = workspaceId;
    record.prefer = typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined;
    const started = Date.now();
    const waitMs = parseWait(record.prefer, defaultWait) * 1000;

    // The body is read first so every request, even a refused one, is logged with its query.
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const text = await readBody(req, maxBody);
    const parsed = contentType === 'application/json' ? tryParseBody(text) : undefined;
    if (parsed && !(parsed instanceof HttpError)) {
      record.query = parsed.query;
      record.timespan = parsed.timespan;
    }

    // Each caller's queries share its concurrency slots; the caller is its bearer token (one identity), or anonymous.
    const identity = typeof req.headers.authorization === 'string' ? req.headers.authorization : 'anonymous';
    const release = await slots.acquire(identity);
    res.once('close', release);
    const fault: Fault | undefined = faults.take();
    if (fault?.delayMs) {
      await pause(Math.min(fault.delayMs, waitMs), res);
      if (res.destroyed) return;
      if (fault.delayMs > waitMs)
        throw new HttpError(504, 'GatewayTimeout', `the query ran longer than the ${waitMs / 1000} s allowed (Prefer: wait)`);
    }
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      if (fault.status === 204) {
        record.status = 204;
        send(res, 204, undefined);
        return;
      }
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(Math.ceil(fault.retryAfterMs));
      throw new HttpError(fault.status, codeForStatus(fault.status), `injected fault: HTTP ${fault.status}`, undefined, headers);
    }

    const auth = req.headers.authorization;
    record.hasBearer = typeof auth === 'string' && /^Bearer \S+/.test(auth);
    if (options.requireBearer !== undefined) {
      if (!record.hasBearer)
        throw new HttpError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided: send Authorization: Bearer <token>');
      if (options.requireBearer !== true && (auth as string).slice(7) !== options.requireBearer) {
        throw new HttpError(401, 'InvalidTokenError', 'The provided authentication is not valid for this resource');
      }
    }
    if (!ids.includes(workspaceId)) throw new HttpError(404, 'WorkspaceNotFoundError', `workspace ${workspaceId} could not be found`);
    if (contentType !== 'application/json') {
      throw new HttpError(415, 'UnsupportedMediaType', `send the body as application/json (got ${contentType || 'no content-type'})`);
    }
    if (parsed instanceof HttpError) throw parsed;
    const body = parsed as QueryBody;
    const unknown = (body.workspaces ?? []).filter((w) => !ids.includes(w));
    if (unknown.length > 0) throw new HttpError(404, 'WorkspaceNotFoundError', `workspace ${unknown[0]} could not be found`);
    const spanned = queriedWorkspaces(workspaceId, body.workspaces);

    const now = clock();
    let range: { start: Date; end: Date } | undefined;
    try {
      range = body.timespan ? parseTimespan(body.timespan, now) : undefined;
    } catch (err) {
      if (err instanceof TimespanError) throw new HttpError(400, 'BadArgumentError', err.message);
      throw err;
    }

    let tables: TableSource;
    try {
      const own = new Map(spanned.map((id) => [id, options.tablesFor?.(id)]));
      const shared = [...own.values()].some((t) => t === undefined) ? (source ?? (await (loading as Promise<TableSource>))) : undefined;
      const tablesOf = (id: string): TableSource => (own.get(id) ?? shared) as TableSource;
      // A query naming other workspaces reads the union of their tables (cross-workspace.ts).
      tables = spanned.length > 1 ? unionOfWorkspaces(spanned, tablesOf) : tablesOf(workspaceId);
    } catch (err) {
      throw new HttpError(503, 'ServiceUnavailable', `the local workspace could not load its data: ${(err as Error).message}`);
    }
    let result;
    const warnings: PartialCause[] = [];
    try {
      result = evaluate(body.query, tables, now, range, (message) =>
        warnings.push({ severity: 'Warning', code: SEMANTIC_WARNING_CODE, message }),
      );
    } catch (err) {
      if (err instanceof KqlError) {
        throw new HttpError(400, 'BadArgumentError', `Query could not be run: ${err.message}`, {
          code: 'SemanticError',
          message: err.message,
          ...(err.line > 0 ? { line: err.line, pos: err.column } : {}),
        });
      }
      throw err;
    }
    // Evaluation is synchronous, so the time limit is checked once it returns.
    if (Date.now() - started > waitMs)
      throw new HttpError(504, 'GatewayTimeout', `the query ran longer than the ${waitMs / 1000} s allowed (Prefer: wait)`);

    const causes: PartialCause[] = [...warnings];
    let kept = result.rows;
    if (kept.length > maxRows) {
      kept = kept.slice(0, maxRows);
      causes.push(rowLimitCause(maxRows));
    }
    let rows = encodeRows(result.columns, kept);
    if (options.maxResultBytes !== undefined) {
      const fit = rowsWithin(rows, options.maxResultBytes);
      if (fit < rows.length) {
        rows = rows.slice(0, fit);
        causes.push(sizeLimitCause(options.maxResultBytes));
      }
    }
    const out = [{ name: 'PrimaryResult', columns: result.columns.map((c) => ({ name: c.name, type: c.type })), rows }];
    if (fault?.partial)
      causes.push({
        severity: fault.partial === 'warning' ? 'Warning' : 'Error',
        code: 'InjectedFault',
        message: 'injected partial failure',
      });
    if (causes.length > 0) {
      record.status = 200;
      send(res, 200, { tables: out, ...partialErrorBody(causes) });
      return;
    }
    record.status = 200;
    send(res, 200, { tables: out });
  }

  async function serveIncidents(
    standIn: SentinelIncidentStandIn,
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
  ): Promise<void> {
    const auth = req.headers.authorization;
    record.hasBearer = typeof auth === 'string' && /^Bearer \S+/.test(auth);
    const body = req.method === 'PUT' ? await readBody(req, maxBody) : '';
    const fault = faults.take();
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
      throw new HttpError(fault.status, codeForStatus(fault.status), `injected fault: HTTP ${fault.status}`, undefined, headers);
    }
    if (options.requireBearer !== undefined) {
      if (!record.hasBearer)
        throw new HttpError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      if (options.requireBearer !== true && (auth as string).slice(7) !== options.requireBearer)
        throw new HttpError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const out = standIn.handle({
      method: req.method ?? 'GET',
      origin: url.origin,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    record.status = out.status;
    send(res, out.status, out.body);
  }

  const server = createServer((req, res) => {
    const record: RequestRecord = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], hasBearer: false, status: 0 };
    requests.push(record);
    if (requests.length > MAX_LOGGED) requests.shift();
    const limits = options.limits;
    const served =
      limits !== undefined && req.method === 'POST' && WORKSPACE_QUERY_PATH.test(record.path)
        ? limits.run(req.headers.authorization ?? 'anonymous', () => handle(req, res, record))
        : handle(req, res, record);
    served.catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof HttpError) {
        record.status = err.status;
        send(res, err.status, errorBody(err.code, err.message, err.innererror), err.headers);
        // Stop reading an over-long body; the answer is already on its way.
        if (err.status === 413) req.socket.end();
        return;
      }
      record.status = 500;
      send(res, 500, errorBody('InternalServerError', `the local workspace failed: ${(err as Error).message ?? String(err)}`));
    });
  });
  // Clients keep sockets alive for about 5 s (Node's agent); a server that closes idle sockets on the
  // same 5 s races them, and a request sent as the socket closes fails with ECONNRESET. Outlive them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}/v1`,
    host: address.address,
    port: address.port,
    workspaceIds: ids,
    faults,
    requests,
    loaded,
    async reload() {
      if (!options.dir) throw new Error('this server was started with in-memory tables; there is no folder to reload');
      source = await loadWorkspace(options.dir);
      loading = undefined;
    },
    setSource(next: TableSource) {
      source = next;
      loading = undefined;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** How many leading rows fit in `maxBytes` of JSON. */
function rowsWithin(rows: unknown[][], maxBytes: number): number {
  let bytes = 2;
  for (let i = 0; i < rows.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(rows[i])) + 1;
    if (bytes > maxBytes) return i;
  }
  return rows.length;
}
