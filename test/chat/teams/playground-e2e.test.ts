/**
 * End to end: the real Teams platform (Agents SDK, CloudAdapter), store,
 * alert service, router and hunt service, with the Microsoft 365 Agents
 * Playground as the Teams client, driven in headless Chromium.
 */
import { join } from 'node:path';
import { HuntService } from '../../../src/alerts/hunt/service';
import { LogAnalyticsSource, DEFAULT_LOCAL_WORKSPACE_ID, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { PlaygroundDriver } from '../../support/playground/driver';
import { startTestPlayground, type TestPlayground } from '../../support/playground/launcher';
import { NOW, tableSource } from '../../alerts/hunt/fixtures';
import { eventually } from './eventually';
import { startBot, type BotHarness } from './harness';

// Generous: on a busy machine the Playground's page alone can take tens of seconds to load.
jest.setTimeout(120_000);

const SCREENSHOT = join(__dirname, '..', '..', '..', 'test-output', 'teams', 'alert-card-acknowledged.png');

let workspace: WorkspaceServer;
let bot: BotHarness;
let playground: TestPlayground;
let driver: PlaygroundDriver;

beforeAll(async () => {
  workspace = await startWorkspaceServer({ source: tableSource(), clock: () => NOW });
  const source = new LogAnalyticsSource({
    name: 'contoso-sentinel',
    workspaceId: DEFAULT_LOCAL_WORKSPACE_ID,
    endpoint: workspace.url,
    local: true,
    maxRetries: 0,
  });
  // Only the Playground's signed-in user (Alex Wilber) may act, by UPN: the UPN comes from the member lookup.
  bot = await startBot({
    allow: ['alexw@example.com'],
    hunt: (store) => new HuntService({ sources: [source], store, clock: () => NOW }),
  });
  // As `npm start` does: the Playground installs the bot in its team and personal chat before any UI is open.
  [playground, driver] = await Promise.all([startTestPlayground(bot.endpoint, { installBot: true }), PlaygroundDriver.launch()]);
});

afterAll(async () => {
  await driver?.close();
  await playground?.stop();
  await bot?.close();
  await workspace?.close();
});

test('an alert posted from the store arrives in General, and Acknowledge changes the card in place to name the acknowledger', async () => {
  // The installation told the platform about the team; it stored every channel of it.
  await eventually('the General channel reference', async () =>
    (await bot.platform.conversations.lookup('General')).ok ? true : undefined,
  );
  await eventually('the Announcements channel reference', async () =>
    (await bot.platform.conversations.lookup('Announcements')).ok ? true : undefined,
  );

  await driver.open(playground.url);
  await driver.openChannel('General');

  // Posted proactively, as the dispatcher does after a poll.
  const [alert] = await bot.seed(1);
  const ref = await bot.platform.postAlert('General', alert);
  expect(ref).toMatchObject({ platform: 'teams', target: 'General' });
  expect(ref.threadId).toContain(';messageid=');

  const card = await driver.cardInChannel('General', alert.title);
  expect(await driver.cardText(card)).toContain(alert.id);
  await driver.clickButton(card, 'Acknowledge');

  const updated = await driver.card(/Acknowledged by Alex Wilber/);
  const text = await driver.cardText(updated);
  expect(text).toContain(alert.title);
  expect(await updated.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0);
  await driver.screenshot(SCREENSHOT, updated);

  const stored = await bot.store.getAlert(alert.id);
  expect(stored?.status).toBe('acknowledged');
  expect(stored?.lastChange?.actor).toMatchObject({ platform: 'teams', displayName: 'Alex Wilber', email: 'alexw@example.com' });
  expect(bot.transitions.map((a) => a.id)).toContain(alert.id);
});

test('typing "hunt alice@contoso.com" in the personal chat gets a reply that turns into the hunt result', async () => {
  await driver.openPersonalChat();
  await driver.sendChat('hunt alice@contoso.com');
  const result = await driver.card(/Workspaces: contoso-sentinel/);
  expect(await driver.cardText(result)).toContain('alice@contoso.com');
  await bot.platform.idle();
});
