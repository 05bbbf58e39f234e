import { LogAnalyticsSource } from '../../src/workspace/log-analytics-source';
import { QueryError } from '../../src/workspace/query-source';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const SPAN = { start: new Date(NOW.getTime() - 3600_000), end: NOW };

/**
 * Log Analytics runs five queries at once per user and queues the rest; a
 * query queued longer than 3 minutes, or beyond 200 queued, gets 429 (Azure
 * Monitor service limits). The local workspace does the same, with the limits
 * given smaller here.
 */
describe('local workspace: per-user query concurrency', () => {
  let server: WorkspaceServer;
  const source = (maxRetries = 0): LogAnalyticsSource =>
    new LogAnalyticsSource({
      name: 'local',
      workspaceId: 'w',
      endpoint: server.url,
      local: true,
      maxRetries,
      retryDelayMs: 5,
      maxRetryDelayMs: 10,
    });

  afterEach(async () => {
    await server.close();
  });

  async function holdSlots(n: number): Promise<AbortController[]> {
    const held = Array.from({ length: n }, () => new AbortController());
    server.faults.next({ delayMs: 170_000 }, n);
    held.forEach(
      (c) =>
        void source()
          .query('datatable(x: long)[1]', SPAN, { signal: c.signal })
          .catch(() => undefined),
    );
    for (let i = 0; i < 500 && server.faults.pending > 0; i++) await new Promise((r) => setTimeout(r, 5));
    return held;
  }

  it('a query waiting past the queue time for one of the running slots gets 429', async () => {
    server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      workspaceId: 'w',
      clock: () => NOW,
      concurrency: { running: 2, queueTimeoutMs: 50, maxQueued: 10 },
    });
    const held = await holdSlots(2);
    const err = await source()
      .query('datatable(x: long)[1]', SPAN)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).kind).toBe('throttled');
    expect((err as QueryError).statusCode).toBe(429);
    held.forEach((c) => c.abort());
  });

  it('a queued query runs as soon as a slot frees', async () => {
    server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      workspaceId: 'w',
      clock: () => NOW,
      concurrency: { running: 1, queueTimeoutMs: 60_000, maxQueued: 10 },
    });
    const [held] = await holdSlots(1);
    const queued = source().query('datatable(x: long)[1]', SPAN);
    held?.abort();
    expect((await queued).rows).toEqual([{ x: 1 }]);
  });

  it('a query arriving when the queue is full gets 429 at once', async () => {
    server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      workspaceId: 'w',
      clock: () => NOW,
      concurrency: { running: 1, queueTimeoutMs: 60_000, maxQueued: 0 },
    });
    const held = await holdSlots(1);
    const err = await source()
      .query('datatable(x: long)[1]', SPAN)
      .catch((e: unknown) => e);
    expect((err as QueryError).statusCode).toBe(429);
    held.forEach((c) => c.abort());
  });
});
