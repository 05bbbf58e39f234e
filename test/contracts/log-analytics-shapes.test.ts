/**
 * The local workspace answers in the shapes of the Log Analytics query API, as established
 * from @azure/monitor-query-logs' own models (QueryResults { tables, error?: ErrorInfo };
 * ErrorInfo { code, message, details?: ErrorDetail[], innererror? }; an error status carries
 * ErrorResponse { error: ErrorInfo }), from @azure/core-rest-pipeline's retry strategies
 * (Retry-After in seconds, retry-after-ms, x-ms-retry-after-ms) and from the service's
 * documentation of partial results (HTTP 200 with error.code "PartialError", the causes in
 * details[].innererror with a severity; Kusto's query limits: 500,000 rows, E_QUERY_RESULT_SET_TOO_LARGE).
 * The expected shapes are written here, not recorded.
 */
import { DEFAULT_LOCAL_WORKSPACE_ID, startWorkspaceServer, type WorkspaceServer } from '../../src/workspace';
import { NOW, tableSource } from '../alerts/hunt/fixtures';

const COLUMN_TYPES = ['bool', 'datetime', 'dynamic', 'int', 'long', 'real', 'string', 'guid', 'decimal', 'timespan'];

/** ErrorInfo as the SDK's model declares it (code and message required, the rest optional). */
function expectErrorInfo(e: unknown): asserts e is { code: string; message: string; details?: unknown[]; innererror?: unknown } {
  expect(e).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
}

/** A table as QueryResults carries it: a name, typed columns, rows as arrays as wide as the columns. */
function expectTables(tables: unknown): void {
  expect(Array.isArray(tables)).toBe(true);
  for (const t of tables as { name: unknown; columns: { name: unknown; type: unknown }[]; rows: unknown[][] }[]) {
    expect(typeof t.name).toBe('string');
    for (const c of t.columns) {
      expect(typeof c.name).toBe('string');
      expect(COLUMN_TYPES).toContain(c.type);
    }
    for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
  }
}

/** The partial-result `error`: PartialError on top (no innererror there), each cause a detail with its engine innererror and severity. */
function expectPartial(error: unknown, severity: 'Error' | 'Warning', message: RegExp): void {
  expectErrorInfo(error);
  expect(error.code).toBe('PartialError');
  expect(error.innererror).toBeUndefined();
  expect(Array.isArray(error.details) && error.details.length > 0).toBe(true);
  for (const d of error.details as unknown[]) {
    expectErrorInfo(d);
    const inner = (d as { innererror?: unknown }).innererror;
    expectErrorInfo(inner);
    expect(inner).toEqual(
      expect.objectContaining({ severity: expect.any(Number), severityName: expect.stringMatching(/^(Error|Warning)$/) }),
    );
  }
  const causes = (error.details as { innererror: { message: string; severityName: string } }[]).map((d) => d.innererror);
  expect(causes.some((c) => c.severityName === severity && message.test(c.message))).toBe(true);
}

let server: WorkspaceServer;

async function query(
  q: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/workspaces/${DEFAULT_LOCAL_WORKSPACE_ID}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: q, timespan: 'P7D' }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  server = await startWorkspaceServer({ source: tableSource(['BehaviorAnalytics']), clock: () => NOW, maxRows: 5 });
});
afterAll(async () => {
  await server.close();
});

describe('the local workspace speaks the Log Analytics query API', () => {
  it('a complete result is 200 with tables and no error', async () => {
    const r = await query('SigninLogs | take 3');
    expect(r.status).toBe(200);
    expectTables(r.body.tables);
    expect(r.body.error).toBeUndefined();
    expect((r.body.tables as { name: string }[])[0]?.name).toBe('PrimaryResult');
  });

  it('a result over the row limit is 200 with the rows kept and a PartialError whose cause is an Error (E_QUERY_RESULT_SET_TOO_LARGE)', async () => {
    const r = await query('SigninLogs');
    expect(r.status).toBe(200);
    expectTables(r.body.tables);
    expect((r.body.tables as { rows: unknown[] }[])[0]?.rows).toHaveLength(5);
    expectPartial(r.body.error, 'Error', /E_QUERY_RESULT_SET_TOO_LARGE/);
    const inner = (r.body.error as { details: { innererror: { code: string } }[] }).details[0]?.innererror;
    expect(inner?.code).toBe('E_QUERY_RESULT_SET_TOO_LARGE');
  });

  it("a fuzzy union with a missing leg is 200 with a PartialError whose cause is a Warning naming the table (Kusto's isfuzzy)", async () => {
    const r = await query('union isfuzzy=true (BehaviorAnalytics | take 1), (SigninLogs | take 1)');
    expect(r.status).toBe(200);
    expectTables(r.body.tables);
    expectPartial(r.body.error, 'Warning', /Failed to resolve table expression named 'BehaviorAnalytics'/);
  });

  it('a fuzzy union none of whose legs resolve is refused (400), not an empty success', async () => {
    const r = await query('union isfuzzy=true (BehaviorAnalytics | take 1), (NoSuchTable | take 1)');
    expect(r.status).toBe(400);
    expect(r.body.tables).toBeUndefined();
    expectErrorInfo(r.body.error);
  });

  it('a query the service cannot run is 400 with ErrorResponse { error: { code, message, innererror } }', async () => {
    const r = await query('SigninLogs | where');
    expect(r.status).toBe(400);
    expect(Object.keys(r.body)).toEqual(['error']);
    expectErrorInfo(r.body.error);
    expectErrorInfo((r.body.error as { innererror?: unknown }).innererror);
  });

  it('429 comes with Retry-After in seconds when the service names one, and without it when it does not', async () => {
    server.faults.next({ status: 429, retryAfterSeconds: 3 }).next({ status: 429 });
    const named = await query('SigninLogs | take 1');
    expect(named.status).toBe(429);
    expect(named.headers.get('retry-after')).toBe('3');
    expectErrorInfo(named.body.error);
    const bare = await query('SigninLogs | take 1');
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.headers.get('retry-after-ms')).toBeNull();
    expectErrorInfo(bare.body.error);
  });

  it('a query past its server time limit (Prefer: wait=N) is 504 with an ErrorResponse', async () => {
    server.faults.next({ delayMs: 1_100 });
    const r = await query('SigninLogs | take 1', { prefer: 'wait=1' });
    expect(r.status).toBe(504);
    expectErrorInfo(r.body.error);
  });
});
