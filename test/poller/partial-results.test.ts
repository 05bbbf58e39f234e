import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { createLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { loadWorkspace } from '../../src/workspace/files/load';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';

const MINUTE = 60_000;
const runCommand = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;

/** A poll's partial result is judged by its causes: warnings leave the rows whole, an error loses rows. */
describe('Poller: partial results by cause', () => {
  let ws: LocalWorkspace;
  let store: SqliteStore;
  let logs: string;
  let poller: Poller;

  beforeEach(async () => {
    ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z') });
    store = openSqliteStore(':memory:');
    logs = '';
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => (logs += c.toString()));
    poller = new Poller({
      store,
      workspaces: [{ name: 'local', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: createLogger('info', stream),
      clock: () => ws.now,
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * 60 * MINUTE,
    });
  });
  afterEach(async () => {
    await store.close();
    await ws.close();
  });

  it('a warning-only partial stores the alerts and logs the warning', async () => {
    ws.server.faults.next({ partial: 'warning' });
    const [outcome] = await poller.runDetection(runCommand);
    expect(outcome?.ok).toBe(true);
    expect(outcome?.created).toHaveLength(ws.planted.filter((p) => p.expect === 'alert').length);
    expect(await store.getWatermark('local', runCommand.id)).toEqual(ws.now);
    expect(logs).toMatch(/answered with warnings.*injected partial failure|injected partial failure.*answered with warnings/);
  });

  it('an error partial stores nothing and logs its real cause, not the service top message', async () => {
    ws.server.faults.next({ partial: 'error' });
    const [outcome] = await poller.runDetection(runCommand);
    expect(outcome?.ok).toBe(false);
    expect(outcome?.error).toMatch(/partial result: injected partial failure/);
    expect(await store.listAlerts({ status: 'all', limit: 10 })).toEqual([]);
    expect(await store.getWatermark('local', runCommand.id)).toBeUndefined();
    expect(logs).toMatch(/poll failed.*injected partial failure|injected partial failure.*poll failed/);
    expect(logs).not.toMatch(/There were some errors/);
  });

  it('a workspace without AzureActivity: the poll does not fail, the alerts are stored with the target unknown and why', async () => {
    const loaded = await loadWorkspace(ws.dir);
    ws.server.setSource({ getTable: (name) => (name === 'AzureActivity' ? undefined : loaded.getTable(name)) });
    const [outcome] = await poller.runDetection(runCommand);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.created.length).toBeGreaterThan(0);
    for (const alert of outcome?.created ?? [])
      expect(alert.target).toEqual({ found: false, unavailable: 'AzureActivity not available in this workspace' });
  });
});
