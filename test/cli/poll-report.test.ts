import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { firstwatch } from '../support/firstwatch-cli';

/** A workspace endpoint on loopback where nothing listens: every query fails. */
const UNREACHABLE = {
  WORKSPACES: 'acme',
  WORKSPACE_ACME_ID: '11111111-2222-3333-4444-555555555555',
  WORKSPACE_ACME_ENDPOINT: 'http://127.0.0.1:9/v1',
  QUERY_MAX_RETRIES: '0',
};

describe('poll --once never says less than happened', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-poll-report-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it.each([
    ['a dry run', ['poll', '--once', '--dry-run']],
    ['a real run', ['poll', '--once']],
  ])(
    '%s whose query fails says FAILED with the error, never "0 hit(s)", and exits non-zero',
    async (_name, args) => {
      const run = await firstwatch(cwd, args, UNREACHABLE);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /^first-time-runcommand on acme: FAILED: acme: the workspace could not be reached: .+ \(nothing stored; the next run covers this window again\)$/m,
      );
      expect(run.stdout).not.toMatch(/0 hit\(s\)/);
    },
    60_000,
  );

  it('a dry run counts every hit as new until a real run stores it; after one, it names each candidate the real run alerted, with its id, and counts none as new', async () => {
    const fresh = await firstwatch(cwd, ['poll', '--once', '--dry-run']);
    const before = /^first-time-runcommand on local: (\d+) hit\(s\): (\d+) new, 0 already alerted/m.exec(fresh.stdout);
    expect(Number(before?.[1])).toBeGreaterThan(0);
    expect(before?.[2]).toBe(before?.[1]);

    const real = await firstwatch(cwd, ['poll', '--once']);
    expect(real.code).toBe(0);
    const created = /^first-time-runcommand on local: \d+ hit\(s\), (\d+) new alert\(s\): (FW-\d+(?:, FW-\d+)*)$/m.exec(real.stdout);
    expect(created).not.toBeNull();
    const ids = (created?.[2] ?? '').split(', ');
    expect(ids).toHaveLength(Number(created?.[1]));

    // The dry run reads from the watermark minus the overlap: what it sees again was alerted by the real run.
    const dry = await firstwatch(cwd, ['poll', '--once', '--dry-run']);
    expect(dry.code).toBe(0);
    const summary =
      /^first-time-runcommand on local: (\d+) hit\(s\): 0 new, (\d+) already alerted \(dry run: nothing stored or posted\)$/m.exec(
        dry.stdout,
      );
    expect(summary?.[1]).toBe(summary?.[2]);
    const section = dry.stdout.split(/^suspicious-signin-burst/m)[0] ?? '';
    const named = [...section.matchAll(/^ {2}already alerted as (FW-\d+) {2}/gm)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(0);
    expect(named).toHaveLength(Number(summary?.[1]));
    for (const id of named) expect(ids).toContain(id);
    expect(dry.stdout).not.toMatch(/^ {2}new {2}/m);
  }, 90_000);
});
