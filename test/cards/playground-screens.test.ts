/**
 * Checked by looking: every card kind, in each state, posted into the Agents
 * Playground's General channel and rendered by its own Adaptive Card renderer
 * in headless Chromium. Each card is saved as a PNG under test-output/cards/;
 * an alert card's buttons must sit within the first 600 px (the Run Command
 * card in every state, and every other alert short of data far past the
 * limits), and no text on any card may be clipped, with Details hidden or shown.
 */
import { join } from 'node:path';
import { PlaygroundDriver } from '../support/playground/driver';
import { startTestPlayground, type TestPlayground } from '../support/playground/launcher';
import { eventually } from '../chat/teams/eventually';
import { startBot, type BotHarness } from '../chat/teams/harness';
import { screenCases } from './screen-cases';

// One browser and one Playground for all cases; the page alone can take tens of seconds to load on a busy machine.
jest.setTimeout(300_000);

const OUT = join(__dirname, '..', '..', 'test-output', 'cards');
/** What a responder sees of a card without scrolling, at the Playground's width. */
const GLANCE_PX = 600;

interface Measured {
  cardTop: number;
  /** Bottom of the lowest visible button, from the card's top. */
  buttonsBottom: number;
  /** Visible elements whose text is clipped (wider or taller than their box with overflow hidden, or ellipsised). */
  clipped: string[];
}

/** The little of the DOM the measurement uses (the project's type check has no DOM library). */
interface DomBox {
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface DomElement {
  getBoundingClientRect(): DomBox;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  innerText?: string;
}
declare const getComputedStyle: (e: DomElement) => {
  visibility: string;
  overflow: string;
  overflowX: string;
  overflowY: string;
  textOverflow: string;
};

/** Runs in the page: where the buttons are and what text is cut. */
function measure(card: DomElement): Measured {
  const top = card.getBoundingClientRect().top;
  const visible = (e: DomElement): boolean => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  };
  const buttons = Array.from(card.querySelectorAll('button, [role="button"]')).filter(visible);
  const buttonsBottom = Math.max(0, ...buttons.map((b) => b.getBoundingClientRect().bottom - top));
  const clipped: string[] = [];
  for (const e of [...Array.from(card.querySelectorAll('*'))].filter(visible)) {
    const text = (e.innerText ?? '').trim();
    if (text === '') continue;
    const s = getComputedStyle(e);
    const hides = s.overflowX === 'hidden' || s.overflowY === 'hidden' || s.overflow === 'hidden';
    const wide = e.scrollWidth > e.clientWidth + 1;
    const tall = e.scrollHeight > e.clientHeight + 2;
    if ((hides && (wide || tall)) || (s.textOverflow === 'ellipsis' && wide)) clipped.push(text.slice(0, 80));
  }
  return { cardTop: top, buttonsBottom, clipped };
}

const cases = screenCases();
let bot: BotHarness;
let playground: TestPlayground;
let driver: PlaygroundDriver;
interface Shown {
  m: Measured;
  /** The same card with its Details shown. */
  details?: Measured;
}
const shown = new Map<string, Shown>();

beforeAll(async () => {
  bot = await startBot({ allow: [] });
  [playground, driver] = await Promise.all([startTestPlayground(bot.endpoint, { installBot: true }), PlaygroundDriver.launch()]);
  await eventually('the General channel reference', async () =>
    (await bot.platform.conversations.lookup('General')).ok ? true : undefined,
  );
  // Tall enough that a whole card fits: parts of a card outside the channel's scroll area would be blank in its picture.
  await driver.page.setViewportSize({ width: 1400, height: 2400 });
  await driver.open(playground.url);
  await driver.openChannel('General');
  const general = await bot.platform.conversations.lookup('General');
  if (!general.ok) throw new Error(general.message);
  // Posted and read one at a time: every card is found by text only it shows.
  for (const c of cases) {
    await bot.platform.proactive.createThread(general.conversation, { card: c.card, summary: c.name }, `post ${c.name}`);
    const card = await driver.cardInChannel('General', c.marker);
    await driver.screenshot(join(OUT, `${c.name}.png`), card);
    const entry: Shown = { m: await card.evaluate(measure as unknown as (e: unknown) => Measured) };
    const toggle = card.getByRole('button', { name: 'Details', exact: true });
    if ((await toggle.count()) > 0) {
      await toggle.click();
      // Every alert's details name its workspace.
      await card.getByText('Workspace', { exact: true }).waitFor();
      await driver.screenshot(join(OUT, `${c.name}-details.png`), card);
      entry.details = await card.evaluate(measure as unknown as (e: unknown) => Measured);
    }
    shown.set(c.name, entry);
  }
});

afterAll(async () => {
  await driver?.close();
  await playground?.stop();
  await bot?.close();
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
  it('shows no clipped text, with its details hidden or shown', () => {
    expect(shown.get(name)?.m.clipped).toEqual([]);
    expect(shown.get(name)?.details?.clipped ?? []).toEqual([]);
  });

  if (c.alert) {
    it('has a Details toggle that shows the rest', () => {
      expect(shown.get(name)?.details).toBeDefined();
    });
  }

  if (c.glance) {
    it(`has its buttons within the first ${GLANCE_PX} px`, () => {
      const m = shown.get(name)?.m;
      expect(m?.buttonsBottom).toBeGreaterThan(0);
      expect(m?.buttonsBottom).toBeLessThanOrEqual(GLANCE_PX);
    });
  }
});
