import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openPostgresStore } from '../../src/store';
import { expectedFingerprints } from '../support/crash/harness';
import { startFirstWatch, type FirstWatchProcess } from '../support/crash/process';
import { writeCrashWorkspace } from '../support/crash/workspace';
import { dropSchema, freshSchema, PG_URL, withAdmin } from '../store/postgres-support';

/** Every detection every 2 seconds (node-cron's six-field form). */
const EVERY_2S = 'first-time-runcommand=*/2 * * * * *,suspicious-signin-burst=*/2 * * * * *';

const polled = (l: Record<string, unknown>): boolean => l.msg === 'poll finished';
const skipped = (l: Record<string, unknown>): boolean => l.msg === 'another replica polls; skipped';

/**
 * Two `firstwatch start` replicas on one PostgreSQL schema: one polls, the
 * other waits; SIGKILL the poller and the other takes over at its next tick,
 * with no hit lost and none alerted twice.
 */
describe('two replicas on PostgreSQL', () => {
  const schema = freshSchema('replicas');
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let dir: string;
  const running: FirstWatchProcess[] = [];

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE SCHEMA "${schema}"`));
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-replicas-'));
    await writeCrashWorkspace(path.join(dir, 'workspace'), { seed: 11, extraHits: 3 });
  });

  afterAll(async () => {
    for (const fw of running) {
      fw.kill('SIGKILL');
      await fw.exited;
    }
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  const replica = (name: string): FirstWatchProcess => {
    const fw = startFirstWatch(dir, {
      DATABASE_URL: url,
      LOCAL_WORKSPACE_DIR: path.join(dir, 'workspace'),
      DETECTION_SCHEDULE_OVERRIDES: EVERY_2S,
      CONSOLE_OUTPUT: 'false',
      WORKSPACE_NAME: 'local',
      HOME: path.join(dir, name),
    });
    running.push(fw);
    return fw;
  };

  it('the survivor takes over at its next tick after the poller is killed; every hit is alerted exactly once', async () => {
    const expected = await expectedFingerprints(dir, path.join(dir, 'workspace'));
    expect(expected.size).toBeGreaterThan(3);

    const a = replica('a');
    await a.waitForLog(polled, 'replica A polling', 90_000);
    const b = replica('b');
    await b.waitForLog(skipped, 'replica B deferring to A', 90_000);
    expect(b.lines.some(polled)).toBe(false);

    const mark = b.lines.length;
    a.kill('SIGKILL');
    await a.exited;
    await b.waitForLog((l) => b.lines.indexOf(l) >= mark && polled(l), 'replica B polling after A died', 60_000);
    // Takeover at the next tick: at most the one tick already in progress when A died was skipped.
    const firstPoll = b.lines.findIndex((l, i) => i >= mark && polled(l));
    const skipsBefore = b.lines.slice(mark, firstPoll).filter(skipped).length;
    expect(skipsBefore).toBeLessThanOrEqual(EVERY_2S.split(',').length);
    // B keeps polling on its schedule.
    await b.waitForLog((l) => b.lines.indexOf(l) > firstPoll + 1 && polled(l), 'replica B polling again', 30_000);

    b.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    const store = await openPostgresStore(url);
    try {
      const alerts = await store.listAlerts({ status: 'all', limit: 1000 });
      const fingerprints = alerts.map((x) => x.fingerprint);
      expect(new Set(fingerprints).size).toBe(fingerprints.length);
      expect([...fingerprints].sort()).toEqual([...expected].sort());
    } finally {
      await store.close();
    }
  }, 180_000);
});
