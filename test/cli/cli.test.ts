import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateSampleData } from '../../src/workspace';
import { firstwatch } from '../support/firstwatch-cli';

const cardTitles = (out: string): string[] => out.split('\n').filter((l) => /^\[(HIGH|MEDIUM|LOW|INFORMATIONAL)\] FW-\d+ · /.test(l));

describe('firstwatch CLI on the embedded defaults', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-cli-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('poll --once prints one card per planted first-time hit, and a second poll prints nothing new', async () => {
    const first = await firstwatch(cwd, ['poll', '--once']);
    expect(first.stderr).not.toMatch(/"level":50/);
    expect(first.code).toBe(0);
    const expected = generateSampleData({ now: new Date(), seed: 1, days: 1 }).planted.filter((p) => p.expect === 'alert');
    const titles = cardTitles(first.stdout);
    for (const p of expected) expect(titles.some((t) => t.includes(p.upn))).toBe(true);

    const second = await firstwatch(cwd, ['poll', '--once']);
    expect(second.code).toBe(0);
    expect(cardTitles(second.stdout)).toEqual([]);
  }, 120_000);

  it('acts through the router as the person named by --as, and refuses anonymous changes', async () => {
    const anonymous = await firstwatch(cwd, ['ack', 'FW-1']);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/--as/);

    const ack = await firstwatch(cwd, ['ack', 'FW-1', '--as', 'alex@contoso.com']);
    expect(ack.code).toBe(0);
    const detail = await firstwatch(cwd, ['alert', 'FW-1']);
    expect(detail.stdout).toMatch(/Acknowledged by alex@contoso.com/);

    const bad = await firstwatch(cwd, ['resolve', 'FW-1', '--classification', 'maybe', '--as', 'alex@contoso.com']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/classification/i);
  }, 120_000);

  it('hands the router the note and classification as given, and shows them in the audit trail', async () => {
    const resolve = await firstwatch(cwd, [
      'resolve',
      'FW-2',
      '--classification',
      'bp',
      '--note',
      'patching job, see change 42',
      '--as',
      'alex@contoso.com',
    ]);
    expect(resolve.code).toBe(0);
    const detail = await firstwatch(cwd, ['alert', 'FW-2']);
    expect(detail.stdout).toMatch(/patching job, see change 42/);
    expect(detail.stdout).toMatch(/benign/i);
  }, 120_000);

  it('a refused person is told that RESPONDERS decides and how to be added', async () => {
    const run = await firstwatch(cwd, ['ack', 'FW-1', '--as', 'mallory@contoso.com'], { RESPONDERS: 'alex@contoso.com' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Error: Not allowed: mallory@contoso.com/);
    expect(run.stdout).toContain('add mallory@contoso.com to it and restart FirstWatch');
    expect(run.stdout).toContain('RESPONDERS');
  }, 60_000);

  it('stops on a bad setting with one line naming it', async () => {
    const run = await firstwatch(cwd, ['alerts'], { POLL_CRON: 'every hour' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/POLL_CRON/);
  }, 60_000);
});

describe('firstwatch CLI usage', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-cli-usage-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it.each([['-h'], ['--help'], ['help']])(
    '%s prints every command in CLI syntax, named as run from a clone, and exits 0',
    async (flag) => {
      const run = await firstwatch(cwd, [flag]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('npx firstwatch resolve <id> --classification tp|bp|fp [--note TEXT] --as EMAIL');
      for (const command of [
        'start',
        'poll',
        'alerts',
        'alert',
        'ack',
        'escalate',
        'reopen',
        'hunt',
        'doctor',
        'workspace generate',
        'workspace serve',
      ]) {
        expect(run.stdout).toContain(`npx firstwatch ${command}`);
      }
    },
    60_000,
  );

  it.each([
    [['ack', '--help'], 'npx firstwatch ack <id> --as EMAIL', '--as EMAIL'],
    [['resolve', '-h'], 'npx firstwatch resolve <id> --classification tp|bp|fp [--note TEXT] --as EMAIL', '--classification tp|bp|fp'],
    [['help', 'hunt'], 'npx firstwatch hunt <upn> [--lookback 7d] [--workspace NAME] [--as EMAIL]', '--lookback DURATION'],
    [['workspace', '--help'], 'npx firstwatch workspace serve [--dir DIR] [--port N] [--host HOST]', '--seed N'],
  ])(
    "%j prints that command's usage and options and exits 0",
    async (args, usage, option) => {
      const run = await firstwatch(cwd, args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: ${usage}`);
      expect(run.stdout).toContain(option);
      expect(run.stdout).toContain('-h, --help');
    },
    60_000,
  );

  it.each([
    [['ack', 'FW-1', '--bogus', '--as', 'alex@contoso.com'], "firstwatch: ack: unknown option '--bogus'"],
    [['ack', 'FW-1', '--as'], 'firstwatch: ack: --as needs a value'],
    [['escalate', 'FW-1', '--note', '--as', 'alex@contoso.com'], 'firstwatch: escalate: --note needs a value'],
    [['ack', '--as', 'alex@contoso.com'], 'firstwatch: ack needs <id>'],
    [['resolve', 'FW-1', '--as', 'alex@contoso.com'], 'firstwatch: resolve needs --classification tp|bp|fp'],
    [['frobnicate'], "firstwatch: unknown command 'frobnicate'"],
    [['ack', 'FW-1', '--as', 'not an email'], 'firstwatch: --as: "not an email" is not an email address (like you@contoso.com)'],
    [['alerts', '--as', 'alex'], 'firstwatch: --as: "alex" is not an email address (like you@contoso.com)'],
  ])(
    '%j is a usage error: one line saying what is wrong, the usage, exit 2',
    async (args, line) => {
      const run = await firstwatch(cwd, args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const [first, ...rest] = run.stderr.trim().split('\n');
      expect(first).toBe(line);
      expect(rest.join('\n')).toMatch(/npx firstwatch/);
    },
    60_000,
  );
});
