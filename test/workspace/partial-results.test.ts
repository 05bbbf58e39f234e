import { request } from 'node:http';
import { LogAnalyticsSource } from '../../src/workspace/log-analytics-source';
import { QueryError } from '../../src/workspace/query-source';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';
import type { Table } from '../../src/kql/types';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const at = (min: number): Date => new Date(NOW.getTime() - min * 60_000);
const signIns: Table = {
  name: 'SigninLogs',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'UserPrincipalName', type: 'string' },
  ],
  rows: Array.from({ length: 8 }, (_, i) => ({ TimeGenerated: at(i + 1), UserPrincipalName: `user${i}@contoso.com` })),
  ingestionTimes: Array.from({ length: 8 }, (_, i) => at(i)),
};
const HOUR_BEFORE = { start: at(60), end: NOW };

let server: WorkspaceServer;

beforeAll(async () => {
  server = await startWorkspaceServer({
    source: { getTable: (n) => (n === 'SigninLogs' ? signIns : undefined) },
    workspaceId: 'w',
    clock: () => NOW,
    maxRows: 5,
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.faults.clear());

/** What the server answers on the wire, read without the SDK. */
function raw(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, timespan: 'PT1H' });
    const req = request(`${server.url}/workspaces/w/query`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

function source(): LogAnalyticsSource {
  return new LogAnalyticsSource({
    name: 'local',
    workspaceId: 'w',
    endpoint: server.url,
    local: true,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
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

/**
 * The shape Log Analytics gives a partial result: 200, the tables, and an
 * `error` with code PartialError, the service's fixed top message, and each
 * cause in `details[].innererror` with a severity; never `innererror` on the
 * top-level error.
 */
describe('local workspace: partial results in the service shape', () => {
  it('a result over the row limit: truncated rows and an Error-severity E_QUERY_RESULT_SET_TOO_LARGE detail', async () => {
    const { status, body } = await raw('SigninLogs');
    expect(status).toBe(200);
    expect((body.tables as { rows: unknown[] }[])[0]?.rows).toHaveLength(5);
    const error = body.error as Record<string, unknown>;
    expect(error).toEqual({
      code: 'PartialError',
      message: 'There were some errors when processing your query.',
      correlationId: expect.any(String) as unknown,
      details: [
        {
          code: 'EngineError',
          message: expect.any(String) as unknown,
          innererror: {
            code: 'E_QUERY_RESULT_SET_TOO_LARGE',
            message: expect.stringMatching(/exceeded the internal record count limit 5 \(E_QUERY_RESULT_SET_TOO_LARGE/) as unknown,
            severity: 2,
            severityName: 'Error',
          },
        },
      ],
    });
    expect(error.innererror).toBeUndefined();
  });

  it('a fuzzy union with a missing leg: the rows, and one Warning detail per missing table', async () => {
    const { status, body } = await raw('union isfuzzy=true SigninLogs, BehaviorAnalytics | take 2');
    expect(status).toBe(200);
    expect((body.tables as { rows: unknown[] }[])[0]?.rows).toHaveLength(2);
    const details = (body.error as { details: { innererror: Record<string, unknown> }[] }).details;
    expect(details.map((d) => d.innererror)).toEqual([
      {
        code: '-2133196790',
        message: "'union' operator: Failed to resolve table expression named 'BehaviorAnalytics'",
        severity: 3,
        severityName: 'Warning',
      },
    ]);
  });

  it('a fuzzy union where no leg resolves is refused with a semantic error', async () => {
    const { status, body } = await raw('union isfuzzy=true BehaviorAnalytics, IdentityInfo');
    expect(status).toBe(400);
    expect((body.error as { innererror: { message: string } }).innererror.message).toMatch(/must have at least one operand/);
  });

  it('a result over the size limit is cut the same way', async () => {
    const small = await startWorkspaceServer({
      source: { getTable: (n) => (n === 'SigninLogs' ? signIns : undefined) },
      workspaceId: 'w',
      clock: () => NOW,
      maxResultBytes: 200,
    });
    try {
      const s = new LogAnalyticsSource({ name: 'small', workspaceId: 'w', endpoint: small.url, local: true });
      const err = await queryError(s.query('SigninLogs', HOUR_BEFORE));
      expect(err.kind).toBe('partial');
      expect(err.code).toBe('E_QUERY_RESULT_SET_TOO_LARGE');
      expect(err.message).toMatch(/internal data size limit 200/);
    } finally {
      await small.close();
    }
  });
});

describe('LogAnalyticsSource: a partial result classified by its cause', () => {
  it('warnings only: the rows are complete and returned with the warnings', async () => {
    const r = await source().query('union isfuzzy=true SigninLogs, BehaviorAnalytics | take 3', HOUR_BEFORE);
    expect(r.rows).toHaveLength(3);
    expect(r.warnings).toEqual(["'union' operator: Failed to resolve table expression named 'BehaviorAnalytics'"]);
  });

  it('an injected Warning partial is a success too', async () => {
    server.faults.next({ partial: 'warning' });
    const r = await source().query('SigninLogs | take 2', HOUR_BEFORE);
    expect(r.rows).toHaveLength(2);
    expect(r.warnings).toEqual(['injected partial failure']);
  });

  it('an Error partial fails, naming the real cause instead of the top message', async () => {
    const err = await queryError(source().query('SigninLogs', HOUR_BEFORE));
    expect(err.kind).toBe('partial');
    expect(err.code).toBe('E_QUERY_RESULT_SET_TOO_LARGE');
    expect(err.message).toMatch(/exceeded the internal record count limit 5/);
    expect(err.message).not.toMatch(/There were some errors/);
  });

  it('a partial with warnings and an error is an error', async () => {
    const err = await queryError(source().query('union isfuzzy=true SigninLogs, BehaviorAnalytics', HOUR_BEFORE));
    expect(err.kind).toBe('partial');
    expect(err.message).toMatch(/record count limit/);
  });
});
