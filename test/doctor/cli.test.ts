import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'src/cli.ts');

function doctor(cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, 'doctor'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, DETECTIONS_DIR: path.join(ROOT, 'detections'), LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('firstwatch doctor (the command)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-doctor-cli-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('exits 0 on the embedded defaults, one verdict per line', async () => {
    const run = await doctor(cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^Ready to alert/);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(ok|warn|FAIL|skip) +\S/);
    expect(run.stdout).toMatch(/^ok +workspace local +answers at the embedded local workspace$/m);
    expect(run.stdout).toMatch(/^ok +teams +local Microsoft 365 Agents Playground/m);
  }, 120_000);

  it('exits non-zero with a FAIL line for every configuration problem', async () => {
    const run = await doctor(cwd, { POLL_CRON: 'every hour', SLACK_CHANNELS: 'C0ALERTS' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +config POLL_CRON +POLL_CRON="every hour" is not valid: .* → fix: correct POLL_CRON/m);
    expect(run.stdout).toMatch(/^FAIL +config SLACK_CHANNELS +SLACK_CHANNELS="C0ALERTS" is set but SLACK_BOT_TOKEN is not/m);
    expect(run.stdout).toMatch(/^2 problem\(s\) block alerting\.$/m);
  }, 120_000);
});
