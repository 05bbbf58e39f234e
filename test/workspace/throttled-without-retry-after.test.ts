import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { LogAnalyticsSource, QueryError } from '../../src/workspace';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';
import { eventually } from '../chat/teams/eventually';

const MINUTE = 60_000;
const shipped = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;
const runCommand: Detection = { ...shipped, firstwatch: { ...shipped.firstwatch, enrichment: undefined } };
const QUERY = 'AzureActivity | take 1';

/** Log Analytics may answer 429 with no Retry-After: the client backs off on its own and no window is lost. */
describe('429 without Retry-After', () => {
  let ws: LocalWorkspace;
  let store: SqliteStore;

  const source = (maxRetries: number, retryDelayMs = 5): LogAnalyticsSource =>
    new LogAnalyticsSource({
      name: 'local',
      workspaceId: ws.server.workspaceIds[0] as string,
      endpoint: ws.server.url,
      local: true,
      maxRetries,
      retryDelayMs,
      maxRetryDelayMs: Math.max(20, retryDelayMs),
    });
  const queries = (): number => ws.server.requests.filter((r) => r.query !== undefined).length;
  const range = (): { start: Date; end: Date } => ({ start: new Date(ws.now.getTime() - 60 * MINUTE), end: ws.now });

  beforeEach(async () => {
    ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z') });
    store = openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    await ws.close();
  });

  it('is retried with a back-off (the SDK alone would give up at once) and answers once the workspace does', async () => {
    ws.server.faults.next({ status: 429 }, 2);
    const result = await source(3).query(QUERY, range());
    expect(result.rows).toHaveLength(1);
    expect(queries()).toBe(3);
    expect(ws.server.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('fails as throttled, with no Retry-After to report, once the retries are spent', async () => {
    ws.server.faults.next({ status: 429 }, 3);
    const err = await source(2)
      .query(QUERY, range())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err).toMatchObject({ kind: 'throttled', statusCode: 429, retryAfterMs: undefined });
    expect(queries()).toBe(3);
  });

  it('an abort ends the wait between retries', async () => {
    ws.server.faults.next({ status: 429 }, 5);
    const stop = new AbortController();
    // A back-off far longer than the test: only the abort can end it.
    const pending = source(3, 600_000)
      .query(QUERY, range(), { signal: stop.signal })
      .catch((e: unknown) => e);
    await eventually('the first 429', () => (ws.server.requests.some((r) => r.status === 429) ? true : undefined));
    stop.abort(new Error('stopping'));
    expect(await pending).toEqual(new Error('stopping'));
    expect(queries()).toBe(1);
  });

  it('a poll throttled past its retries stores nothing, and the next run reads the same window whole', async () => {
    let clock = ws.now;
    const poller = new Poller({
      store,
      workspaces: [{ name: 'local', source: source(1), targets: [{ platform: 'console', target: 'console' }] }],
      logger: silentLogger(),
      clock: () => clock,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
    });
    await store.recordPoll({
      workspace: 'local',
      detectionId: runCommand.id,
      watermark: new Date(ws.now.getTime() - 23 * 60 * MINUTE),
      alerts: [],
      targets: [],
    });
    ws.server.faults.next({ status: 429 }, 2);
    const [throttled] = await poller.runDetection(runCommand);
    expect(throttled?.ok).toBe(false);
    expect(throttled?.error).toMatch(/HTTP 429/);
    expect(await store.getWatermark('local', runCommand.id)).toEqual(new Date(ws.now.getTime() - 23 * 60 * MINUTE));

    clock = new Date(ws.now.getTime() + 5 * MINUTE);
    const [next] = await poller.runDetection(runCommand);
    expect(next?.ok).toBe(true);
    expect(next?.window.start).toEqual(throttled?.window.start);
    const mustAlert = ws.planted.filter((p) => p.expect === 'alert').map((p) => p.upn);
    expect(mustAlert.length).toBeGreaterThan(0);
    expect((next?.created ?? []).map((a) => a.subject.upn).sort()).toEqual([...mustAlert].sort());
    expect(await store.getWatermark('local', runCommand.id)).toEqual(clock);
  });
});
