import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDetections, ruleWideFingerprintOf } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller, type WorkspaceBinding } from '../../src/poller/poller';
import { QueryLimiter, type QueryLimiterEvent } from '../../src/poller/query-limiter';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { generateWorkspace, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../src/workspace';

const MINUTE = 60_000;
const detections = loadDetections(path.join(__dirname, '../../detections'));
const runCommand = detections.find((d) => d.slug === 'first-time-runcommand') as Detection;
const IDS = ['11111111-0000-0000-0000-000000000001', '11111111-0000-0000-0000-000000000002', '11111111-0000-0000-0000-000000000003'];

describe('Poller over many workspaces through one query limiter', () => {
  let dir: string;
  let server: WorkspaceServer;
  let store: SqliteStore;
  let now: Date;
  let planted: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-many-'));
    now = new Date('2026-11-20T12:00:00Z');
    const generated = await generateWorkspace({ dir, now, seed: 1, days: 2 });
    planted = generated.planted.filter((p) => p.expect === 'alert').length;
    server = await startWorkspaceServer({ dir, workspaceId: IDS });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    store = openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  const binding = (name: string, workspaceId: string): WorkspaceBinding => ({
    name,
    source: new LogAnalyticsSource({ name, workspaceId, endpoint: server.url, local: true, maxRetries: 0 }),
    targets: [{ platform: 'console', target: 'console' }],
  });

  it("polls every workspace, stores each one's alerts under its own watermark, and a failing one changes nothing for the rest", async () => {
    const events: QueryLimiterEvent[] = [];
    const limiter = new QueryLimiter({ limits: { maxConcurrent: 2 }, onEvent: (e) => events.push(e) });
    const workspaces = [
      binding('alpha', IDS[0] as string),
      // Not served: the service answers 404 for it.
      binding('gone', '99999999-0000-0000-0000-000000000000'),
      binding('beta', IDS[1] as string),
      binding('gamma', IDS[2] as string),
    ];
    const poller = new Poller({
      store,
      workspaces,
      logger: silentLogger(),
      clock: () => now,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
      limiter,
    });
    const outcomes = await poller.runDetection(runCommand);
    expect(outcomes.map((o) => [o.workspace, o.ok])).toEqual([
      ['alpha', true],
      ['gone', false],
      ['beta', true],
      ['gamma', true],
    ]);
    // The three are served the same rows: each workspace's copy is its own event, so each alerts it.
    const ok = outcomes.filter((x) => x.ok);
    for (const o of ok) expect(o.hits).toBe(ok[0]?.hits);
    for (const o of ok) expect(o.created).toHaveLength(planted);
    expect(await store.getWatermark('alpha', runCommand.id)).toEqual(now);
    expect(await store.getWatermark('gamma', runCommand.id)).toEqual(now);
    expect(await store.getWatermark('gone', runCommand.id)).toBeUndefined();
    // The rule's query and its enrichment query both went through the limiter, never more than two at once.
    const started = events.filter((e) => e.kind === 'started').map((e) => e.workspace);
    expect(started.filter((w) => w === 'alpha').length).toBeGreaterThanOrEqual(2);
    expect(limiter.stats()).toEqual({ running: 0, queued: 0 });

    const again = await poller.runDetection(runCommand);
    expect(again.filter((o) => o.ok).flatMap((o) => o.created)).toEqual([]);
    expect(await store.listAlerts({ status: 'all', limit: 1000 })).toHaveLength(3 * planted);
  });

  it('after an upgrade re-alerts nothing stored under the rule-wide fingerprint, and alerts the copies it used to swallow', async () => {
    const workspaces = [binding('alpha', IDS[0] as string), binding('beta', IDS[1] as string)];
    const poller = new Poller({
      store,
      workspaces,
      logger: silentLogger(),
      clock: () => now,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
    });
    // What the previous version stored: alpha's hits under the rule-wide fingerprint; beta's identical rows were dropped as seen.
    const [alphaDry] = await poller.runDetection(runCommand, { dryRun: true });
    const before = (alphaDry?.candidates ?? []).map((a) => ({ ...a, fingerprint: ruleWideFingerprintOf(runCommand, a.raw) }));
    expect(before).toHaveLength(planted);
    await store.recordPoll({
      workspace: 'alpha',
      detectionId: runCommand.id,
      watermark: new Date(now.getTime() - 30 * MINUTE),
      alerts: before,
      targets: [],
    });
    await store.recordPoll({
      workspace: 'beta',
      detectionId: runCommand.id,
      watermark: new Date(now.getTime() - 30 * MINUTE),
      alerts: [],
      targets: [],
    });

    const dry = await poller.runDetection(runCommand, { dryRun: true });
    expect(dry[0]?.alreadyAlerted?.size).toBe(planted);
    expect(dry[1]?.alreadyAlerted?.size).toBe(0);

    const [alpha, beta] = await poller.runDetection(runCommand);
    expect(alpha?.ok && beta?.ok).toBe(true);
    expect(alpha?.created).toEqual([]);
    expect(beta?.created).toHaveLength(planted);
    expect(new Set(beta?.created.map((a) => a.workspace))).toEqual(new Set(['beta']));
    const again = await poller.runDetection(runCommand);
    expect(again.flatMap((o) => o.created)).toEqual([]);
  });

  it("counts a query's time from when the limiter lets it run, not from when it began to wait", async () => {
    // One query at a time. Alpha's query is held at its source until the test lets it go; beta waits behind it.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let alphaRunning: () => void = () => undefined;
    const alphaStarted = new Promise<void>((resolve) => (alphaRunning = resolve));
    let alphaSignal: AbortSignal | undefined;
    const alpha = binding('alpha', IDS[0] as string);
    const real = alpha.source;
    alpha.source = {
      name: 'alpha',
      query: async (kql, timespan, options) => {
        alphaSignal ??= options?.signal;
        alphaRunning();
        await gate;
        return real.query(kql, timespan, options);
      },
    };
    // Each query's timer, ended by hand: here, every one but alpha's runs out while alpha holds the only slot.
    const timers: AbortController[] = [];
    const poller = new Poller({
      store,
      workspaces: [alpha, binding('beta', IDS[1] as string)],
      logger: silentLogger(),
      clock: () => now,
      overlapMs: 0,
      delayAllowanceMs: 6 * 60 * MINUTE,
      limiter: new QueryLimiter({ limits: { maxConcurrent: 1 } }),
      timeout: () => {
        const c = new AbortController();
        timers.push(c);
        return c.signal;
      },
    });
    const outcomes = poller.runDetection(runCommand, { dryRun: true });
    await alphaStarted;
    for (const t of timers) if (t.signal !== alphaSignal) t.abort(new DOMException('timed out', 'TimeoutError'));
    release();
    const [a, b] = await outcomes;
    expect(a).toMatchObject({ workspace: 'alpha', ok: true });
    expect(b).toMatchObject({ workspace: 'beta', ok: true, pieces: 1 });
    expect(b?.candidates).toHaveLength(planted);
  });

  it('never has more queries in flight at the service than the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const limiter = new QueryLimiter({
      limits: { maxConcurrent: 2 },
      onEvent: (e) => {
        if (e.kind === 'started') most = Math.max(most, ++inFlight);
        if (e.kind === 'finished') inFlight--;
      },
    });
    const workspaces = IDS.flatMap((id, i) => [binding(`w${i}a`, id), binding(`w${i}b`, id)]);
    const poller = new Poller({
      store,
      workspaces,
      logger: silentLogger(),
      clock: () => now,
      overlapMs: 0,
      delayAllowanceMs: 6 * 60 * MINUTE,
      limiter,
    });
    const outcomes = await poller.runDetection(runCommand, { dryRun: true });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(most).toBe(2);
  });
});
