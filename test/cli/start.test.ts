/**
 * `firstwatch start` as a person runs it: the real CLI in its own process, on
 * the embedded defaults, with the Agents Playground as the Teams client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../chat/teams/eventually';
import { firstwatch } from '../support/firstwatch-cli';
import { freePort, logged, Started } from './start-process';

/** The alert ids whose card the Playground received (its log keeps each activity the bot sent). */
function cardsIn(playgroundLog: string): Set<string> {
  return new Set([...playgroundLog.matchAll(/\((FW-\d+)\)/g)].map((m) => m[1] as string));
}

describe('firstwatch start', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-start-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('a second instance exits 1 with one line naming the port, before it builds anything', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      // Not killed: it must end by itself (today's second instance hung).
      const run = await firstwatch(cwd, ['start'], { PORT: String(port), LOG_LEVEL: 'info' });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`firstwatch: port ${port} is in use — is FirstWatch already running?\n`);
      expect(run.stdout).toBe('');
      // Failed before the store or the sample workspace were made.
      expect(existsSync(path.join(cwd, 'data'))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it('RESPONDERS=bad stops the start with one line naming RESPONDERS', async () => {
    const run = await firstwatch(cwd, ['start'], { RESPONDERS: 'alice@contoso.com,bad' });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^firstwatch: configuration: RESPONDERS=.*\("bad" is not one\)$/);
    expect(run.stdout).toBe('');
  }, 60_000);

  it('a Playground restart shows the open alerts again, not the resolved one, and its temporary folder is removed on exit', async () => {
    const env = { PORT: String(await freePort()), TEAMS_PLAYGROUND_PORT: '0', LOG_LEVEL: 'info', TEAMS_PLAYGROUND: 'true' };

    const first = new Started(cwd, env);
    let firstFolder: string;
    try {
      firstFolder = await first.until(
        'the Playground started',
        () => logged(first.stderr, 'Agents Playground started', 'cwd')[0] as string,
      );
      // The banner comes first on stdout, then the cards.
      await first.until('a card on the console', () => (/^\[(HIGH|MEDIUM|LOW)\] FW-1 · /m.test(first.stdout) ? true : undefined));
      expect(first.stdout.split('\n')[0]).toMatch(/^FirstWatch is running at http:\/\/127\.0\.0\.1:\d+ \(Ctrl\+C stops it\)\.$/);
      expect(first.stdout.indexOf('Teams: open the Agents Playground at http://localhost:')).toBeLessThan(first.stdout.indexOf('FW-1'));
      expect(first.stdout).toContain('npx firstwatch ack FW-1 --as you@contoso.com');
      // Every alert of the first poll is in the Playground.
      const posted = await first.until('every card in Teams', () => {
        const created = logged(first.stderr, 'poll finished', 'created').reduce<number>((n, c) => n + Number(c), 0);
        const teams = logged(first.stderr, 'alert posted', 'platform').filter((p) => p === 'teams').length;
        return logged(first.stderr, 'poll finished', 'created').length >= 2 && created > 1 && teams === created ? created : undefined;
      });
      expect(posted).toBeGreaterThan(1);
      expect(first.stderr).not.toMatch(/"level":40.*detection file/);

      const resolved = await firstwatch(cwd, ['resolve', 'FW-1', '--classification', 'fp', '--as', 'alex@contoso.com'], env);
      expect(resolved.code).toBe(0);
      // The card in this Playground shows it resolved before the stop (a later redraw would go to the stopped Playground).
      const log = path.join(firstFolder, 'devTools', 'm365agentsplayground.log');
      await eventually(
        'the resolved card in the first Playground',
        () => (readFileSync(log, 'utf8').includes('Resolved as false positive by alex@contoso.com') ? true : undefined),
        60_000,
      );
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(existsSync(firstFolder)).toBe(false);

    const open = await firstwatch(cwd, ['alerts', 'open'], env);
    const openIds = new Set([...open.stdout.matchAll(/\b(FW-\d+)\b/g)].map((m) => m[1] as string));
    expect(openIds.has('FW-1')).toBe(false);
    expect(openIds.size).toBeGreaterThan(0);

    const second = new Started(cwd, env);
    try {
      const folder = await second.until(
        'the Playground started',
        () => logged(second.stderr, 'Agents Playground started', 'cwd')[0] as string,
      );
      expect(folder).not.toBe(firstFolder);
      await second.until('the open alerts posted again', () =>
        logged(second.stderr, 'Teams: open alerts posted again', 'cards').length > 0 ? true : undefined,
      );
      // On the console, the banner says how many are open (their cards were printed by the first run).
      await second.until('the banner', () => (second.stdout.includes('  Try: ') ? true : undefined));
      expect(second.stdout).toContain(`Open: ${openIds.size} alerts from earlier runs (npx firstwatch alerts lists them)`);
      const shown = cardsIn(readFileSync(path.join(folder, 'devTools', 'm365agentsplayground.log'), 'utf8'));
      for (const id of openIds) expect(shown.has(id)).toBe(true);
      expect(shown.has('FW-1')).toBe(false);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 240_000);
});
