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
import { PlaygroundDriver } from '../support/playground/driver';
import { freePort, logged, Started } from './start-process';

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
      // Cards wait for a page: once one opens General, every alert of the first polls is in the Playground.
      const url = logged(first.stderr, 'Agents Playground started', 'url')[0] as string;
      const created = await first.until('the first polls', () => {
        const polls = logged(first.stderr, 'poll finished', 'created');
        const n = polls.reduce<number>((sum, c) => sum + Number(c), 0);
        return polls.length >= 2 && n > 1 ? n : undefined;
      });
      const page = await PlaygroundDriver.launch();
      try {
        await page.open(url);
        await page.openChannel('General');
        const posted = await first.until('every card in Teams', () => {
          const teams = logged(first.stderr, 'alert posted', 'platform').filter((p) => p === 'teams').length;
          return teams === created ? teams : undefined;
        });
        expect(posted).toBeGreaterThan(1);
      } finally {
        await page.close();
      }
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
      // On the console, the banner says how many are open (their cards were printed by the first run).
      await second.until('the banner', () => (second.stdout.includes('  Try: ') ? true : undefined));
      expect(second.stdout).toContain(`Open: ${openIds.size} alerts from earlier runs (npx firstwatch alerts lists them)`);
      // The new Playground shows nothing until a page opens General; then what is open is posted again there, once.
      const page = await PlaygroundDriver.launch();
      try {
        await page.open(logged(second.stderr, 'Agents Playground started', 'url')[0] as string);
        await page.openChannel('General');
        const shown = await eventually(
          'the open alerts on the page',
          async () => {
            const ids = (await page.alertIdsShown()).filter((id) => openIds.has(id) || id === 'FW-1');
            return ids.length >= openIds.size ? ids : undefined;
          },
          150_000,
        );
        // Each open alert once; the resolved FW-1 not at all.
        expect(shown).toEqual([...openIds].sort());
        expect(logged(second.stderr, 'Teams: open alerts posted again', 'cards')).toEqual([openIds.size]);
      } finally {
        await page.close();
      }
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 420_000);
});
