import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { observePoll } from '../../src/observability/instrument';
import { Metrics } from '../../src/observability/metrics';
import { Poller, type PollerOptions } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const shipped = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;
/** The shipped rule without its enrichment lookup: these tests are about reading the rule's own window. */
const runCommand: Detection = { ...shipped, firstwatch: { ...shipped.firstwatch, enrichment: undefined } };

/** No window is ever stuck: limits and timeouts split it, what still cannot be read is said. */
describe('Poller: windows over a query limit or a timeout', () => {
  let ws: LocalWorkspace;
  let store: SqliteStore;
  let clock: Date;
  /** One controller per query the poller starts, in order; a test aborts the ones it wants abandoned. */
  let timers: AbortController[];

  const makePoller = (extra: Partial<PollerOptions> = {}): Poller =>
    new Poller({
      store,
      workspaces: [{ name: 'local', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: silentLogger(),
      clock: () => clock,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * HOUR,
      splitFloorMs: MINUTE,
      timeout: () => {
        const c = new AbortController();
        timers.push(c);
        return c.signal;
      },
      ...extra,
    });

  async function start(maxRows?: number): Promise<void> {
    ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z'), ...(maxRows !== undefined ? { maxRows } : {}) });
    store = openSqliteStore(':memory:');
    clock = ws.now;
    timers = [];
  }
  afterEach(async () => {
    await store.close();
    await ws.close();
  });

  const mustAlert = (): string[] =>
    ws.planted
      .filter((p) => p.expect === 'alert')
      .map((p) => p.upn)
      .sort();

  it('a window that returns more rows than the limit alerts every hit after splitting', async () => {
    await start(2);
    expect(mustAlert().length).toBeGreaterThan(2);
    const [outcome] = await makePoller().runDetection(runCommand);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.ok).toBe(true);
    expect(outcome?.pieces).toBeGreaterThan(1);
    expect(outcome?.unread).toBeUndefined();
    expect((outcome?.created ?? []).map((a) => a.subject.upn).sort()).toEqual(mustAlert());
    expect(await store.getWatermark('local', runCommand.id)).toEqual(clock);
  });

  it('a piece still over the limit at the smallest size is reported unread, counted, and the window moves on', async () => {
    await start(1);
    const metrics = new Metrics({ defaultMetrics: false });
    // The smallest piece is the whole window: nothing to split.
    const outcomes = await makePoller({ splitFloorMs: 365 * 24 * HOUR }).runDetection(runCommand);
    const [outcome] = outcomes;
    expect(outcome?.ok).toBe(true);
    expect(outcome?.unread).toEqual([
      { start: outcome?.window.start, end: outcome?.window.end, reason: expect.stringMatching(/record count limit 1 /) as unknown },
    ]);
    expect(await store.getWatermark('local', runCommand.id)).toEqual(clock);
    observePoll(metrics, runCommand.slug, outcomes, clock);
    expect((await metrics.render()).body).toMatch(
      /firstwatch_poll_unread_seconds_total\{detection="first-time-runcommand",workspace="local"\} [1-9]/,
    );
  });

  it('a hanging query is abandoned at its timeout and the halves of its window are read instead', async () => {
    await start();
    ws.server.faults.next({ delayMs: 170_000 });
    const run = makePoller().runDetection(runCommand);
    await waitFor(() => ws.server.faults.pending === 0 && timers.length === 1);
    timers[0]?.abort(new Error('timer'));
    const [outcome] = await run;
    expect(outcome?.ok).toBe(true);
    expect(outcome?.pieces).toBe(2);
    expect((outcome?.created ?? []).map((a) => a.subject.upn).sort()).toEqual(mustAlert());
  });

  it('a hanging query that cannot be split fails the run at its timeout, stores nothing, and the next run proceeds', async () => {
    await start();
    ws.server.faults.next({ delayMs: 170_000 });
    const poller = makePoller({ splitFloorMs: 365 * 24 * HOUR });
    const run = poller.runDetection(runCommand);
    await waitFor(() => ws.server.faults.pending === 0 && timers.length === 1);
    timers[0]?.abort(new Error('timer'));
    const [failed] = await run;
    expect(failed?.ok).toBe(false);
    expect(failed?.error).toMatch(/did not answer within 240 s and was abandoned/);
    expect(await store.getWatermark('local', runCommand.id)).toBeUndefined();

    clock = new Date(ws.now.getTime() + HOUR);
    const [next] = await poller.runDetection(runCommand);
    expect(next?.ok).toBe(true);
    expect((next?.created ?? []).map((a) => a.subject.upn).sort()).toEqual(mustAlert());
  });

  it('a window that grew past its cap reads the newest part and reports the rest', async () => {
    await start();
    // The last good run was three days ago.
    await store.recordPoll({
      workspace: 'local',
      detectionId: runCommand.id,
      watermark: new Date(clock.getTime() - 72 * HOUR),
      alerts: [],
      targets: [],
    });
    const [outcome] = await makePoller({ maxWindowMs: 12 * HOUR }).runDetection(runCommand);
    expect(outcome?.ok).toBe(true);
    expect(outcome?.window.start).toEqual(new Date(clock.getTime() - 12 * HOUR));
    expect(outcome?.unread).toEqual([
      {
        start: new Date(clock.getTime() - 72 * HOUR - 10 * MINUTE),
        end: new Date(clock.getTime() - 12 * HOUR),
        reason: expect.stringMatching(/cap of 720 min/) as unknown,
      },
    ]);
    expect(await store.getWatermark('local', runCommand.id)).toEqual(clock);
  });
});

/** Polls a condition the test cannot await directly (a request reaching the server); no timed assertion. */
async function waitFor(probe: () => boolean, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('gave up waiting');
}
