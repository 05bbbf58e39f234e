/**
 * `firstwatch start` with the Agents Playground opened in headless Chromium:
 * the first page shows each open alert once, and a reload (a page that starts
 * empty) shows them again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundDriver } from '../support/playground/driver';
import { eventually } from '../chat/teams/eventually';
import { freePort, logged, Started } from './start-process';

// Generous bounds, not timings: a loaded machine renders the Playground's cards slowly.
jest.setTimeout(420_000);

/** The alert ids of the cards shown, one entry per card (a duplicate shows twice). */
async function cardsShown(driver: PlaygroundDriver): Promise<string[]> {
  const text = await driver.page.innerText('body');
  return [...text.matchAll(/ · (FW-\d+)\n/g)].map((m) => m[1] as string).sort();
}

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
  const alerts = await run.until('every card in Teams', () => {
    const polls = logged(run.stderr, 'poll finished', 'created');
    const created = polls.reduce<number>((n, c) => n + Number(c), 0);
    const teams = logged(run.stderr, 'alert posted', 'platform').filter((p) => p === 'teams').length;
    return polls.length >= 2 && created > 1 && teams === created ? created : undefined;
  });
  const expected = Array.from({ length: alerts }, (_, i) => `FW-${i + 1}`).sort();

  driver = await PlaygroundDriver.launch();
  const page = driver;
  await page.open(url);
  await page.openChannel('General');
  // Posted before any page was open: the Playground kept them for this first page.
  const firstPage = await eventually(
    'every card on the first page',
    async () => {
      const shown = await cardsShown(page);
      return shown.length >= alerts ? shown : undefined;
    },
    150_000,
  );
  expect(firstPage).toEqual(expected);

  await page.page.reload({ waitUntil: 'domcontentloaded' });
  await page.page.getByText('Teams Channel', { exact: true }).waitFor({ timeout: 120_000 });
  await page.openChannel('General');
  const afterReload = await eventually(
    'every card after the reload',
    async () => {
      const shown = await cardsShown(page);
      return shown.length >= alerts ? shown : undefined;
    },
    150_000,
  );
  expect(afterReload).toEqual(expected);
  // Posted again once, for the reloaded page; the first page's installation posted nothing twice.
  expect(logged(run.stderr, 'Teams: open alerts posted again', 'cards')).toEqual([alerts]);
});
