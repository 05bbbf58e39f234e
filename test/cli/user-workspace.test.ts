import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { firstwatch } from '../support/firstwatch-cli';
import { fingerprintFolder, userTables } from '../support/folders';

const ROOT = path.join(__dirname, '../..');

/** `firstwatch start` until its first poll of the Run Command rule has finished, then SIGTERM. */
function startUntilFirstPoll(cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli.ts'), 'start'], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: cwd,
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        TEAMS_PLAYGROUND: 'false',
        LOG_LEVEL: 'info',
        PORT: '0',
        ...env,
      },
    });
    let stderr = '';
    let stopped = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!stopped && /"detection":"first-time-runcommand".*"msg":"poll (finished|failed)/.test(stderr)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe("a folder of the user's own tables as the local workspace", () => {
  let cwd: string;
  let folder: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-user-ws-'));
    folder = path.join(cwd, 'my-tables');
    await userTables(folder, new Date());
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('survives poll --once --dry-run, poll --once, doctor and start byte for byte, and its rows are what alerts', async () => {
    const env = { LOCAL_WORKSPACE_DIR: folder };
    const before = await fingerprintFolder(folder);
    expect(Object.keys(before)).toEqual(['BehaviorAnalytics.ndjson']);

    const dry = await firstwatch(cwd, ['poll', '--once', '--dry-run'], env);
    expect(dry.stdout).toMatch(/^first-time-runcommand on local: 1 hit\(s\): 1 new, 0 already alerted/m);
    expect(await fingerprintFolder(folder)).toEqual(before);

    const real = await firstwatch(cwd, ['poll', '--once'], env);
    expect(real.stdout).toMatch(/^first-time-runcommand on local: 1 hit\(s\), 1 new alert\(s\): FW-1$/m);
    expect(real.stdout).toContain('carol@contoso.com');
    expect(await fingerprintFolder(folder)).toEqual(before);

    const doctor = await firstwatch(cwd, ['doctor'], env);
    expect(doctor.stdout).toMatch(/workspace local BehaviorAnalytics +1 rows in 7d/);
    expect(await fingerprintFolder(folder)).toEqual(before);

    const started = await startUntilFirstPoll(cwd, env);
    expect(started.stderr).toMatch(/holds tables FirstWatch did not make: served as they are, never regenerated/);
    expect(started.code).toBe(0);
    expect(await fingerprintFolder(folder)).toEqual(before);
  }, 120_000);

  it('a dry run on a fresh install writes no sample data into the configured folder', async () => {
    const empty = path.join(cwd, 'not-yet');
    const dry = await firstwatch(cwd, ['poll', '--once', '--dry-run'], { LOCAL_WORKSPACE_DIR: empty });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^first-time-runcommand on local: [1-9]\d* hit\(s\)/m);
    await expect(fingerprintFolder(empty)).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
