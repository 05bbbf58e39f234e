import { LogAnalyticsSource } from '../../src/workspace/log-analytics-source';
import { QueryError } from '../../src/workspace/query-source';
import { generateSampleData } from '../../src/workspace/sample-data/generate';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';
import type { Table } from '../../src/kql/types';
import { useFakeTimeouts, whenReal } from '../support/fake-timeouts';
import { SEED_KQL, seedQuery } from './seed-query';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const HOUR = 3600_000;
const DAY_BEFORE = { start: new Date(NOW.getTime() - 24 * HOUR), end: NOW };
const data = generateSampleData({ seed: 42, now: NOW, days: 2 });
const tables = new Map<string, Table>(data.tables.map((t) => [t.name, t]));
const alice = data.planted.find((c) => c.id === 'alice-run-command');

let server: WorkspaceServer;
let source: LogAnalyticsSource;

function localSource(extra: Partial<ConstructorParameters<typeof LogAnalyticsSource>[0]> = {}): LogAnalyticsSource {
  return new LogAnalyticsSource({
    name: 'local',
    workspaceId: 'ws-main',
    endpoint: server.url,
    local: true,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...extra,
  });
}

async function queryError(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error('the query succeeded');
}

function requestsFor(query: string): number {
  return server.requests.filter((r) => r.query === query).length;
}

beforeAll(async () => {
  server = await startWorkspaceServer({
    source: { getTable: (n) => tables.get(n) },
    workspaceId: ['ws-main', 'ws-other'],
    clock: () => NOW,
  });
  source = localSource();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.faults.clear();
  jest.useRealTimers();
});

describe('local workspace through the real LogsQueryClient', () => {
  it('listens on loopback and answers with typed columns: Dates, parsed dynamics, numbers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const r = await source.query(
      `BehaviorAnalytics | where SourceRecordId == "${alice?.sourceRecordId}" | project TimeGenerated, SourceRecordId, UserPrincipalName, ActivityInsights, InvestigationPriority`,
      DAY_BEFORE,
    );
    expect(r.columns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'SourceRecordId', type: 'string' },
      { name: 'UserPrincipalName', type: 'string' },
      { name: 'ActivityInsights', type: 'dynamic' },
      { name: 'InvestigationPriority', type: 'int' },
    ]);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].TimeGenerated).toEqual(alice?.timeGenerated);
    expect(r.rows[0].UserPrincipalName).toBe('alice@contoso.com');
    expect(r.rows[0].ActivityInsights).toMatchObject({
      EventMessage: 'Microsoft.Compute/virtualMachines/runCommand/action',
      FirstTimeUserPerformedAction: 'True',
    });
    expect(typeof r.rows[0].InvestigationPriority).toBe('number');
  });

  it('runs the seed query and returns exactly the planted rows in its EventMessage + "True" form within the hour', async () => {
    expect(seedQuery().replace(/\r/g, '')).toBe(SEED_KQL);
    const r = await source.query(seedQuery(), DAY_BEFORE);
    const expected = data.planted
      .filter((c) => c.matchesSeedQuery)
      .map((c) => c.sourceRecordId)
      .sort();
    expect(expected).toHaveLength(3);
    expect(r.rows.map((row) => row.SourceRecordId).sort()).toEqual(expected);
  });

  it('applies the timespan to TimeGenerated', async () => {
    const q = 'SigninLogs | summarize n = count(), first = min(TimeGenerated), last = max(TimeGenerated)';
    const hour = await source.query(q, { start: new Date(NOW.getTime() - HOUR), end: NOW });
    const day = await source.query(q, DAY_BEFORE);
    expect((hour.rows[0].first as Date).getTime()).toBeGreaterThanOrEqual(NOW.getTime() - HOUR);
    expect((hour.rows[0].last as Date).getTime()).toBeLessThan(NOW.getTime());
    expect(hour.rows[0].n as number).toBeGreaterThan(0);
    expect(day.rows[0].n as number).toBeGreaterThan(hour.rows[0].n as number);
    expect((day.rows[0].first as Date).getTime()).toBeGreaterThanOrEqual(DAY_BEFORE.start.getTime());
  });

  it('serves ingestion times, so a late row is found by an ingestion-time window', async () => {
    const late = data.planted.find((c) => c.id === 'frank-run-command-late');
    const q = `BehaviorAnalytics | where ingestion_time() > datetime(${new Date(NOW.getTime() - HOUR).toISOString()}) | where TimeGenerated < datetime(${new Date(NOW.getTime() - 3 * HOUR).toISOString()}) | project SourceRecordId`;
    const r = await source.query(q, { start: new Date(NOW.getTime() - 6 * HOUR), end: NOW });
    expect(r.rows.map((x) => x.SourceRecordId)).toContain(late?.sourceRecordId);
  });

  it('reports a KQL error as bad-query with the engine position', async () => {
    const err = await queryError(source.query('BehaviorAnalytics\n| wher x == 1', DAY_BEFORE));
    expect(err.kind).toBe('bad-query');
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/'wher'.* at 2:3/);
  });

  it('never returns a partial result', async () => {
    server.faults.next({ partial: true });
    const err = await queryError(source.query('AuditLogs | take 3', DAY_BEFORE));
    expect(err.kind).toBe('partial');
    expect(err.message).toMatch(/partial result/);
  });

  it('flags a result over the row limit as partial', async () => {
    const small = await startWorkspaceServer({
      source: { getTable: (n) => tables.get(n) },
      workspaceId: 'w',
      clock: () => NOW,
      maxRows: 5,
    });
    try {
      const s = new LogAnalyticsSource({ name: 'small', workspaceId: 'w', endpoint: small.url, local: true });
      const err = await queryError(s.query('AuditLogs', DAY_BEFORE));
      expect(err.kind).toBe('partial');
      expect(err.message).toMatch(/exceeded the internal record count limit 5 /);
      expect(err.code).toBe('E_QUERY_RESULT_SET_TOO_LARGE');
      expect((await s.query('AuditLogs | take 5', DAY_BEFORE)).rows).toHaveLength(5);
    } finally {
      await small.close();
    }
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    useFakeTimeouts();
    const q = 'AuditLogs | take 1 | project OperationName';
    server.faults.next({ status: 429, retryAfterSeconds: 1 });
    const answer = source.query(q, DAY_BEFORE);
    await whenReal('the client to wait out Retry-After', () => requestsFor(q) === 1 && jest.getTimerCount() > 0);
    await jest.advanceTimersByTimeAsync(1000);
    const r = await answer;
    expect(r.rows).toHaveLength(1);
    expect(requestsFor(q)).toBe(2);
    expect(server.requests.filter((x) => x.query === q).map((x) => x.status)).toEqual([429, 200]);
  });

  it('gives up after maxRetries on a 500 storm', async () => {
    const q = 'AuditLogs | take 2';
    server.faults.next({ status: 500 }, 10);
    const err = await queryError(source.query(q, DAY_BEFORE));
    expect(err.kind).toBe('unavailable');
    expect(err.statusCode).toBe(500);
    expect(requestsFor(q)).toBe(4);
  });

  it('reports throttling that outlasts the retries as throttled', async () => {
    const q = 'AuditLogs | take 3 | project Category';
    server.faults.next({ status: 429, retryAfterMs: 5 }, 10);
    const err = await queryError(localSource({ maxRetries: 1 }).query(q, DAY_BEFORE));
    expect(err.kind).toBe('throttled');
    expect(requestsFor(q)).toBe(2);
  });

  it('maps 504 to timeout, a dropped connection to unavailable, 403 to forbidden', async () => {
    const once = localSource({ maxRetries: 0 });
    server.faults.next({ status: 504 });
    expect((await queryError(once.query('AuditLogs | take 1', DAY_BEFORE))).kind).toBe('timeout');
    server.faults.next({ drop: true });
    expect((await queryError(once.query('AuditLogs | take 1', DAY_BEFORE))).kind).toBe('unavailable');
    server.faults.next({ status: 403 });
    expect((await queryError(once.query('AuditLogs | take 1', DAY_BEFORE))).kind).toBe('forbidden');
  });

  it('retries a dropped connection', async () => {
    const q = 'AuditLogs | take 4';
    server.faults.next({ drop: true });
    expect((await source.query(q, DAY_BEFORE)).rows).toHaveLength(4);
  });

  it('answers 504 when the query outlives Prefer: wait', async () => {
    useFakeTimeouts();
    const q = 'AuditLogs | take 5';
    server.faults.next({ delayMs: 1500 });
    const answer = queryError(localSource({ maxRetries: 0, serverTimeoutSeconds: 1 }).query(q, DAY_BEFORE));
    await whenReal('the slow query to reach the server', () => server.faults.pending === 0);
    await jest.advanceTimersByTimeAsync(1000);
    const err = await answer;
    expect(err.kind).toBe('timeout');
    expect(server.requests.find((r) => r.query === q)?.prefer).toBe('wait=1');
  });

  it('treats 204 No Content as an empty result', async () => {
    server.faults.next({ status: 204 });
    expect(await source.query('AuditLogs | take 1', DAY_BEFORE)).toEqual({ columns: [], rows: [] });
  });

  it('reports an unknown workspace as not-found', async () => {
    const err = await queryError(
      new LogAnalyticsSource({ name: 'x', workspaceId: 'nope', endpoint: server.url, local: true }).query('AuditLogs', DAY_BEFORE),
    );
    expect(err.kind).toBe('not-found');
    expect(err.statusCode).toBe(404);
    expect(err.message).toMatch(/workspace nope could not be found/);
    expect((await localSource({ workspaceId: 'ws-other' }).query('AuditLogs | take 1', DAY_BEFORE)).rows).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    const q = 'AuditLogs | take 6';
    server.faults.next({ delayMs: 3000 });
    const controller = new AbortController();
    const pending = source.query(q, DAY_BEFORE, { signal: controller.signal });
    // Abort only once the server holds the request, so the abort has an HTTP call to cut.
    while (requestsFor(q) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(requestsFor(q)).toBe(1);
    await expect(source.query(q, DAY_BEFORE, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('checks its own inputs', async () => {
    expect(() => new LogAnalyticsSource({ name: 'x', workspaceId: 'w', endpoint: 'http://127.0.0.1:1/api', local: true })).toThrow(
      /must end in \/v1/,
    );
    expect(() => new LogAnalyticsSource({ name: 'x', workspaceId: 'w', endpoint: 'http://127.0.0.1:1/v1' })).toThrow(
      /plain http: set local: true/,
    );
    expect(() => new LogAnalyticsSource({ name: 'x', workspaceId: 'a/b', local: true, endpoint: server.url })).toThrow(
      /not a workspace id/,
    );
    expect((await queryError(source.query(' ', DAY_BEFORE))).kind).toBe('bad-query');
    expect((await queryError(source.query('AuditLogs', { start: NOW, end: new Date(NOW.getTime() - 1) }))).message).toMatch(
      /ends before it starts/,
    );
  });
});

describe('unreachable workspaces', () => {
  it('reports a refused connection as unavailable, and in Azure mode asks the credential for the endpoint cloud scope', async () => {
    const gone = await startWorkspaceServer({ source: { getTable: () => undefined }, workspaceId: 'w' });
    const port = gone.port;
    await gone.close();
    const local = new LogAnalyticsSource({
      name: 'gone',
      workspaceId: 'w',
      endpoint: `http://127.0.0.1:${port}/v1`,
      local: true,
      maxRetries: 0,
    });
    const err = await queryError(local.query('AuditLogs', DAY_BEFORE));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/^gone: the workspace could not be reached/);

    const scopes: string[][] = [];
    const credential = {
      getToken: async (s: string | string[]) => {
        scopes.push(([] as string[]).concat(s));
        return { token: 't', expiresOnTimestamp: Date.now() + HOUR };
      },
    };
    const azure = new LogAnalyticsSource({
      name: 'azure',
      workspaceId: 'w',
      endpoint: `https://127.0.0.1:${port}/v1`,
      credential,
      maxRetries: 0,
    });
    expect((await queryError(azure.query('AuditLogs', DAY_BEFORE))).kind).toBe('unavailable');
    expect(scopes).toEqual([[`https://127.0.0.1:${port}/.default`]]);
  });
});

describe('bearer token check', () => {
  let guarded: WorkspaceServer;
  beforeAll(async () => {
    guarded = await startWorkspaceServer({
      source: { getTable: (n) => tables.get(n) },
      workspaceId: 'w',
      clock: () => NOW,
      requireBearer: 'local-secret',
    });
  });
  afterAll(() => guarded.close());

  it('refuses a request without the token as forbidden and accepts the right one', async () => {
    const anonymous = new LogAnalyticsSource({ name: 'g', workspaceId: 'w', endpoint: guarded.url, local: true });
    const err = await queryError(anonymous.query('AuditLogs | take 1', DAY_BEFORE));
    expect(err.kind).toBe('forbidden');
    expect(err.statusCode).toBe(401);
    const credential = { getToken: async () => ({ token: 'local-secret', expiresOnTimestamp: Date.now() + HOUR }) };
    const signed = new LogAnalyticsSource({ name: 'g', workspaceId: 'w', endpoint: guarded.url, local: true, credential });
    expect((await signed.query('AuditLogs | take 1', DAY_BEFORE)).rows).toHaveLength(1);
    const wrong = { getToken: async () => ({ token: 'other', expiresOnTimestamp: Date.now() + HOUR }) };
    expect(
      (
        await queryError(
          new LogAnalyticsSource({ name: 'g', workspaceId: 'w', endpoint: guarded.url, local: true, credential: wrong }).query(
            'AuditLogs',
            DAY_BEFORE,
          ),
        )
      ).kind,
    ).toBe('forbidden');
  });
});

describe('the query API over plain HTTP', () => {
  async function post(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    path = '/workspaces/ws-main/query',
  ) {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      body: text
        ? (JSON.parse(text) as {
            error?: { code: string; message: string };
            tables?: Array<{ name: string; columns: unknown[]; rows: unknown[][] }>;
          })
        : undefined,
    };
  }

  it('answers the Log Analytics shape with encoded cells', async () => {
    const r = await post(
      JSON.stringify({
        query: `BehaviorAnalytics | where SourceRecordId == "${alice?.sourceRecordId}" | project TimeGenerated, ActivityInsights`,
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body?.tables?.[0].name).toBe('PrimaryResult');
    const [tg, insights] = r.body?.tables?.[0].rows[0] ?? [];
    expect(tg).toBe(alice?.timeGenerated.toISOString().replace('Z', '0000Z'));
    expect(typeof insights).toBe('string');
    expect(JSON.parse(insights as string)).toMatchObject({ FirstTimeUserPerformedAction: 'True' });
  });

  it.each([
    ['PT2H', 2 * HOUR],
    [`${new Date(NOW.getTime() - 3 * HOUR).toISOString()}/PT1H`, HOUR],
    [`PT30M/${NOW.toISOString()}`, HOUR / 2],
    [`${new Date(NOW.getTime() - HOUR).toISOString()}/${NOW.toISOString()}`, HOUR],
  ])('accepts timespan %s', async (timespan, spanMs) => {
    const r = await post(
      JSON.stringify({ query: 'SigninLogs | summarize first = min(TimeGenerated), last = max(TimeGenerated)', timespan }),
    );
    expect(r.status).toBe(200);
    const [first, last] = (r.body?.tables?.[0].rows[0] ?? []) as string[];
    expect(Date.parse(last) - Date.parse(first)).toBeLessThanOrEqual(spanMs);
  });

  it.each([
    ['a body that is not JSON', '{"query": ', 400, /not valid JSON/],
    ['a body without query', JSON.stringify({ timespan: 'PT1H' }), 400, /needs "query"/],
    ['a timespan that is not ISO 8601', JSON.stringify({ query: 'AuditLogs', timespan: 'yesterday' }), 400, /timespan "yesterday"/],
    ['a timespan in months', JSON.stringify({ query: 'AuditLogs', timespan: 'P1M' }), 400, /years and months are not supported/],
    [
      'a timespan ending before it starts',
      JSON.stringify({ query: 'AuditLogs', timespan: '2026-01-02T00:00:00Z/2026-01-01T00:00:00Z' }),
      400,
      /end is before the start/,
    ],
    ['workspaces that are not strings', JSON.stringify({ query: 'AuditLogs', workspaces: [1] }), 400, /"workspaces" must be an array/],
    [
      'an unknown additional workspace',
      JSON.stringify({ query: 'AuditLogs', workspaces: ['elsewhere'] }),
      404,
      /workspace elsewhere could not be found/,
    ],
  ])('rejects %s clearly', async (_what, body, status, message) => {
    const r = await post(body);
    expect(r.status).toBe(status);
    expect(r.body?.error?.message).toMatch(message);
    expect(r.body?.error?.code).toBe(status === 400 ? 'BadArgumentError' : 'WorkspaceNotFoundError');
  });

  it('answers 415 for a non-JSON content type, 413 for a huge body, 404/405 for other routes', async () => {
    expect((await post('query=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const huge = await post(JSON.stringify({ query: `AuditLogs | where OperationName == "${'x'.repeat(1_100_000)}"` }));
    expect(huge.status).toBe(413);
    expect(huge.body?.error?.code).toBe('PayloadTooLarge');
    expect((await post('{}', { 'content-type': 'application/json' }, '/workspaces/ws-main/elsewhere')).status).toBe(404);
    const get = await fetch(`${server.url}/workspaces/ws-main/query`);
    expect(get.status).toBe(405);
  });
});
