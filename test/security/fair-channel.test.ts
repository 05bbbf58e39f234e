import { CARD_MAX_WAIT_MS, ChannelQueue } from '../../src/chat/slack/channel-queue';

/**
 * One responder's 200 in-channel hunts against alert cards, in Slack's one
 * message a second per channel. Time is jest's fake clock (paced time), not
 * the machine's.
 */
describe('answers keep priority in a channel but never starve cards', () => {
  let q: ChannelQueue;
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 2, 9, 0, 0) });
    q = new ChannelQueue({ ratePerSecond: 1, burst: 1, rateLimitOf: () => undefined });
  });
  afterEach(() => {
    q.stop();
    jest.useRealTimers();
  });

  it('posts a new card and a changed card within 10 s of paced time while 200 hunt answers wait', async () => {
    const sent: { what: string; at: number }[] = [];
    const start = Date.now();
    const answers = Array.from({ length: 200 }, (_, i) =>
      q.post('C1', async () => sent.push({ what: `answer ${i}`, at: Date.now() }), { urgent: true }),
    );
    await jest.advanceTimersByTimeAsync(3_000);
    const cardQueued = Date.now();
    const card = q.post('C1', async () => sent.push({ what: 'new card', at: Date.now() }));
    const redraw = q.update('C1', 'ts-1', 2, async () => sent.push({ what: 'changed card', at: Date.now() }));
    await jest.advanceTimersByTimeAsync(20_000);
    const at = (what: string): number => sent.find((s) => s.what === what)?.at ?? Number.NaN;
    expect(at('new card') - cardQueued).toBeLessThanOrEqual(10_000);
    expect(at('changed card') - cardQueued).toBeLessThanOrEqual(10_000);
    // Answers still went first until the cards had waited their limit.
    expect(sent.slice(0, 3).every((s) => s.what.startsWith('answer'))).toBe(true);
    expect(at('new card') - cardQueued).toBeGreaterThanOrEqual(CARD_MAX_WAIT_MS);
    await jest.advanceTimersByTimeAsync(200_000);
    await Promise.all([...answers, card, redraw]);
    expect(sent).toHaveLength(202);
    expect(sent.at(-1)?.at).toBeGreaterThan(start);
  });
});
