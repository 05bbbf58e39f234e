/**
 * `firstwatch start` with the Agents Playground opened in headless Chromium:
 * cards wait for a page (the Playground's own buffer for pages not yet open
 * loses cards when a socket drops), the first page shows each open alert
 * once, and a reload (a page that starts empty) shows them again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundDriver } from '../support/playground/driver';
import { eventually } from '../chat/teams/eventually';
import { freePort, logged, Started } from './start-process';

// Generous bounds, not timings: a loaded machine renders the Playground's cards slowly.
jest.setTimeout(420_000);

let cwd: string;
let started: Started | undefined;
let driver: PlaygroundDriver | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'fw-reload-'));
});

afterAll(async () => {
  await driver?.close();
  await started?.stop();
  await rm(cwd, { recursive: true, force: true });
});

test('the first page shows every open alert once, and a reload shows them all again', async () => {
  const run = new Started(cwd, { PORT: String(await freePort()), TEAMS_PLAYGROUND_PORT: '0', LOG_LEVEL: 'info', TEAMS_PLAYGROUND: 'true' });
  started = run;
  const url = await run.until('the Playground started', () => logged(run.stderr, 'Agents Playground started', 'url')[0] as string);
  const alerts = await run.until('the first polls', () => {
    const polls = logged(run.stderr, 'poll finished', 'created');
    const created = polls.reduce<number>((n, c) => n + Number(c), 0);
    return polls.length >= 2 && created > 1 ? created : undefined;
  });
  // No page is open: nothing was sent to the Playground, every Teams card is held for a page.
  await run.until('Teams cards held', () =>
    logged(run.stderr, 'deliveries to this target are held until it can show them', 'target').length > 0 ? true : undefined,
  );
  expect(logged(run.stderr, 'alert posted', 'platform').filter((p) => p === 'teams')).toEqual([]);
  const expected = Array.from({ length: alerts }, (_, i) => `FW-${i + 1}`).sort();

  driver = await PlaygroundDriver.launch();
  const page = driver;
  await page.open(url);
  await page.openChannel('General');
  // Posted once the page opened the channel.
  const firstPage = await eventually(
    'every card on the first page',
    async () => {
      const shown = await page.alertIdsShown();
      return shown.length >= alerts ? shown : undefined;
    },
    150_000,
  );
  expect(firstPage).toEqual(expected);
  expect(logged(run.stderr, 'alert posted', 'platform').filter((p) => p === 'teams')).toHaveLength(alerts);
  // Nothing was posted before this page, so its opening posted nothing again.
  expect(logged(run.stderr, 'Teams: open alerts posted again', 'cards')).toEqual([]);

  await page.page.reload({ waitUntil: 'domcontentloaded' });
  await page.page.getByText('Teams Channel', { exact: true }).waitFor({ timeout: 120_000 });
  await page.openChannel('General');
  const afterReload = await eventually(
    'every card after the reload',
    async () => {
      const shown = await page.alertIdsShown();
      return shown.length >= alerts ? shown : undefined;
    },
    150_000,
  );
  expect(afterReload).toEqual(expected);
  // Posted again once, for the reloaded page.
  expect(logged(run.stderr, 'Teams: open alerts posted again', 'cards')).toEqual([alerts]);
});
