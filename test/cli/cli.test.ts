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

  it('stops on a bad setting with one line naming it', async () => {
    const run = await firstwatch(cwd, ['alerts'], { POLL_CRON: 'every hour' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/POLL_CRON/);
  }, 60_000);
});
