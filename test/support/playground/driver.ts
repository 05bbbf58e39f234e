import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's chromium; never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Generous: the machine is shared and the Playground's bundle is large (9 MB of script to compile). */
const UI_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 60_000;

/**
 * Drives the Agents Playground's web UI in headless Chromium: pick a chat or
 * channel, post (with an @mention of the bot in channels), find Adaptive
 * Cards by their text, click their buttons, read them, take screenshots.
 * Every wait is on a UI condition, never a fixed sleep.
 */
export class PlaygroundDriver {
  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly userDataDir: string,
  ) {}

  static async launch(): Promise<PlaygroundDriver> {
    const userDataDir = mkdtempSync(join(tmpdir(), 'fw-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    // A page of our own: the persistent context's initial tab has been seen to ignore the first navigation.
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    return new PlaygroundDriver(context, page, userDataDir);
  }

  /** Opens the Playground; resolves when its conversation list is shown. */
  async open(url: string): Promise<void> {
    // Not "load": the page also asks for web fonts and telemetry that cannot load offline.
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    await this.page.getByText('Teams Channel', { exact: true }).waitFor({ timeout: LOAD_TIMEOUT_MS });
  }

  /** Opens a channel (e.g. "General"); the Playground installs the bot there the first time. */
  async openChannel(name: string): Promise<void> {
    await this.page.getByText(name, { exact: true }).first().click();
    await this.page.getByText('Start a new post', { exact: true }).waitFor();
  }

  async openPersonalChat(): Promise<void> {
    await this.page.getByText('Personal Chat', { exact: true }).first().click();
    await this.page.getByPlaceholder('Type a message...').or(this.page.getByText('Type a message...')).first().waitFor();
  }

  private composer(): Locator {
    return this.page.locator('[contenteditable="true"][role="textbox"]');
  }

  /** A new post in the open channel that @mentions `botName` first (channel messages reach the bot only then). */
  async postMentioning(botName: string, text: string): Promise<void> {
    await this.composer().first().click();
    await this.page.keyboard.type('@');
    await this.page.getByRole('menuitem', { name: botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** A message in the open personal or group chat. */
  async sendChat(text: string): Promise<void> {
    await this.composer().last().click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Rendered Adaptive Cards containing `text`, newest-first in channels (posts are listed newest first). */
  cards(text: string | RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard').filter({ hasText: text });
  }

  /** Waits for a card containing `text` and returns it. */
  async card(text: string | RegExp): Promise<Locator> {
    const card = this.cards(text).first();
    await card.waitFor();
    return card;
  }

  /**
   * Waits for a card in a channel. The Playground pushes new posts over a
   * WebSocket; should one be missed (a busy machine), the channel is opened
   * afresh once, which reloads its posts from the Playground's server.
   */
  async cardInChannel(channel: string, text: string | RegExp): Promise<Locator> {
    const card = this.cards(text).first();
    try {
      await card.waitFor({ timeout: UI_TIMEOUT_MS / 2 });
    } catch {
      await this.page.reload({ waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
      await this.page.getByText('Teams Channel', { exact: true }).waitFor({ timeout: LOAD_TIMEOUT_MS });
      await this.openChannel(channel);
      await card.waitFor();
    }
    return card;
  }

  /** The alert ids of the cards on the page, one entry per card (a duplicate shows twice), sorted. */
  async alertIdsShown(): Promise<string[]> {
    const text = await this.page.innerText('body');
    return [...text.matchAll(/ · (FW-\d+)\n/g)].map((m) => m[1] as string).sort();
  }

  async cardText(card: Locator): Promise<string> {
    return card.innerText();
  }

  async clickButton(card: Locator, title: string): Promise<void> {
    await card.getByRole('button', { name: title, exact: true }).click();
  }

  /** Waits until `text` shows anywhere on the page. */
  async waitForText(text: string | RegExp): Promise<Locator> {
    const found = this.page.getByText(text).first();
    await found.waitFor();
    return found;
  }

  async screenshot(path: string, target?: Locator): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    if (target) await target.screenshot({ path });
    else await this.page.screenshot({ path, fullPage: true });
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}
