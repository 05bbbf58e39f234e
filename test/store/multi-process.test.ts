import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';

const run = promisify(execFile);
const WORKER = path.join(__dirname, 'workers', 'ack-worker.ts');
const COUNT = 60;

describe('two processes sharing one SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-procs-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('make exactly one transition per alert and never hand the same delivery to both', async () => {
    const file = path.join(dir, 'fw.db');
    const seedStore = new SqliteStore(file);
    await seedStore.recordPoll({
      workspace: WORKSPACE,
      detectionId: DETECTION,
      watermark: new Date(),
      alerts: Array.from({ length: COUNT }, (_, i) => newAlert(i + 1)),
      targets: [
        { platform: 'slack', target: 'C1' },
        { platform: 'teams', target: 'T1' },
      ],
    });
    await seedStore.close();

    const claimAt = new Date(Date.now() + 60_000).toISOString();
    const barrier = path.join(dir, 'barrier');
    fs.mkdirSync(barrier);
    const workers = ['alpha', 'beta'].map((who) =>
      run(process.execPath, ['--import', 'tsx', WORKER, file, who, String(COUNT), claimAt, barrier, '2'], {
        cwd: path.join(__dirname, '..', '..'),
        timeout: 60_000,
      }),
    );
    const outputs = (await Promise.all(workers)).map((r) => JSON.parse(r.stdout) as { outcomes: string[]; claimed: number[] });

    const all = outputs.flatMap((o) => o.outcomes);
    expect(all.filter((o) => o === 'allowed')).toHaveLength(COUNT);
    expect(all.filter((o) => o === 'noop')).toHaveLength(COUNT);
    const claimed = outputs.flatMap((o) => o.claimed);
    expect(claimed).toHaveLength(2 * COUNT);
    expect(new Set(claimed).size).toBe(2 * COUNT);

    const check = new SqliteStore(file);
    try {
      for (let i = 1; i <= COUNT; i++) {
        const alert = await check.getAlert(`FW-${i}`);
        expect(alert).toMatchObject({ status: 'acknowledged', version: 2 });
        const audit = await check.listAudit({ alertId: `FW-${i}`, limit: 10 });
        expect(audit.map((e) => e.outcome).sort()).toEqual(['allowed', 'noop']);
        expect(audit.find((e) => e.outcome === 'allowed')?.actor.id).toBe(alert?.lastChange?.actor.id);
      }
    } finally {
      await check.close();
    }
  });
});
