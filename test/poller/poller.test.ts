import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { useFakeTimeouts, whenReal } from '../support/fake-timeouts';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';

const MINUTE = 60_000;
const detections = loadDetections(path.join(__dirname, '../../detections'));
const runCommand = detections.find((d) => d.slug === 'first-time-runcommand') as Detection;

describe('Poller against the local workspace through LogsQueryClient', () => {
  let ws: LocalWorkspace;
  let store: SqliteStore;
  let clock: Date;

  const makePoller = (): Poller =>
    new Poller({
      store,
      workspaces: [{ name: 'local', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: silentLogger(),
      clock: () => clock,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
    });

  beforeEach(async () => {
    ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z') });
    store = openSqliteStore(':memory:');
    clock = ws.now;
  });
  afterEach(async () => {
    jest.useRealTimers();
    await store.close();
    await ws.close();
  });

  it('alerts once per planted first-time hit, late arrivals included, and never twice', async () => {
    const poller = makePoller();
    const [first] = await poller.runDetection(runCommand);
    expect(first?.ok).toBe(true);
    const mustAlert = ws.planted.filter((p) => p.expect === 'alert');
    expect(mustAlert.some((p) => p.late)).toBe(true);
    const upns = (first?.created ?? []).map((a) => a.subject.upn).sort();
    expect(upns).toEqual(mustAlert.map((p) => p.upn).sort());
    for (const alert of first?.created ?? []) {
      expect((await store.listDeliveries(alert.id)).map((d) => d.target)).toEqual(['console']);
    }

    // The next hour: the overlap re-reads the tail of the last window, the fingerprint drops it.
    clock = new Date(ws.now.getTime() + 5 * MINUTE);
    const [second] = await poller.runDetection(runCommand);
    expect(second?.ok).toBe(true);
    expect(second?.created).toEqual([]);
    expect(await store.listAlerts({ status: 'all', limit: 100 })).toHaveLength(mustAlert.length);
  });

  it('finds the machine for each hit and says so when it cannot', async () => {
    const [outcome] = await makePoller().runDetection(runCommand);
    const byUpn = new Map((outcome?.created ?? []).map((a) => [a.subject.upn, a]));
    for (const p of ws.planted.filter((c) => c.expect === 'alert')) {
      const target = byUpn.get(p.upn)?.target;
      if (p.azureActivity === null) {
        expect(target).toEqual({ found: false });
      } else {
        expect(target?.found).toBe(true);
        expect(target?.resourceId?.toLowerCase()).toBe(p.machine?.resourceId.toLowerCase());
        expect(target?.kind).toBe(p.machine?.kind === 'arc' ? 'arc-machine' : 'azure-vm');
        expect(target?.correlationId).toBe(p.azureActivity.correlationId);
        expect(target?.operationStatus).toBe('Succeeded');
      }
    }
  });

  it.each([
    ['a server error', { status: 500 }],
    ['a partial result', { partial: true }],
    ['a throttled query', { status: 429, retryAfterMs: 1 }],
    ['a dropped connection', { drop: true }],
  ])('leaves the store and watermark unchanged after %s, and the next run catches up', async (_name, fault) => {
    const poller = makePoller();
    ws.server.faults.next(fault);
    const [failed] = await poller.runDetection(runCommand);
    expect(failed?.ok).toBe(false);
    expect(failed?.error).toEqual(expect.any(String));
    expect(await store.getWatermark('local', runCommand.id)).toBeUndefined();
    expect(await store.listAlerts({ status: 'all', limit: 100 })).toEqual([]);

    clock = new Date(ws.now.getTime() + 60 * MINUTE);
    const [retry] = await poller.runDetection(runCommand);
    expect(retry?.ok).toBe(true);
    expect(retry?.created).toHaveLength(ws.planted.filter((p) => p.expect === 'alert').length);
  });

  it('a failed enrichment query costs no alert: each is stored with its target marked unavailable', async () => {
    const poller = makePoller();
    // First request (the detection) succeeds, the second (AzureActivity) fails.
    ws.server.faults.next({ delayMs: 0 }).next({ status: 503 });
    const [outcome] = await poller.runDetection(runCommand);
    expect(outcome?.ok).toBe(true);
    expect(outcome?.enrichmentUnavailable).toMatch(/^AzureActivity query failed \(unavailable\): .*HTTP 503/);
    expect(outcome?.created).toHaveLength(ws.planted.filter((p) => p.expect === 'alert').length);
    for (const alert of outcome?.created ?? []) expect(alert.target).toEqual({ found: false, unavailable: outcome?.enrichmentUnavailable });
    expect(await store.getWatermark('local', runCommand.id)).toEqual(clock);
  });

  it('a timed-out query that cannot be split stores nothing', async () => {
    const slow = new Poller({
      store,
      workspaces: [{ name: 'local', source: timeoutSource(ws), targets: [] }],
      // The smallest piece is the whole window (splitting is covered in window-split.test.ts).
      splitFloorMs: 365 * 24 * 60 * MINUTE,
      logger: silentLogger(),
      clock: () => clock,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
    });
    useFakeTimeouts();
    ws.server.faults.next({ delayMs: 3000 });
    const run = slow.runDetection(runCommand);
    await whenReal('the query to reach the workspace', () => ws.server.faults.pending === 0);
    await jest.advanceTimersByTimeAsync(1000);
    const [outcome] = await run;
    expect(outcome?.ok).toBe(false);
    expect(await store.getWatermark('local', runCommand.id)).toBeUndefined();
  });

  it('a dry run shows the hits and stores nothing', async () => {
    const [outcome] = await makePoller().runDetection(runCommand, { dryRun: true });
    expect(outcome?.candidates?.length).toBe(ws.planted.filter((p) => p.expect === 'alert').length);
    expect(await store.getWatermark('local', runCommand.id)).toBeUndefined();
  });
});

/** The same workspace with a server-side wait limit of one second (Prefer: wait=1 → 504). */
function timeoutSource(ws: LocalWorkspace): LocalWorkspace['source'] {
  const { LogAnalyticsSource } = require('../../src/workspace') as typeof import('../../src/workspace');
  return new LogAnalyticsSource({
    name: 'local',
    workspaceId: ws.server.workspaceIds[0] as string,
    endpoint: ws.server.url,
    local: true,
    maxRetries: 0,
    serverTimeoutSeconds: 1,
  });
}
