import { ChannelQueue } from '../../../src/chat/slack/channel-queue';
import { DeliveryError } from '../../../src/delivery/chat-platform';
import { ManualTime } from '../../support/manual-time';

class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super('ratelimited');
  }
}

const rateLimitOf = (err: unknown): number | undefined => (err instanceof RateLimited ? err.retryAfterMs : undefined);

/** A call the test finishes by hand, recording when it started. */
function gate<T>(log: string[], name: string, value: T): { fn: () => Promise<T>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return {
    fn: async () => {
      log.push(name);
      await opened;
      return value;
    },
    open,
  };
}

describe('ChannelQueue', () => {
  let q: ChannelQueue;
  /** Every wait moves this clock instead of taking real time. */
  let time: ManualTime;
  beforeEach(() => {
    time = new ManualTime();
  });
  afterEach(() => q.stop());

  it('puts an urgent message (an answer someone waits on) ahead of queued cards, behind earlier urgent ones', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    const log: string[] = [];
    const first = gate(log, 'card 1', 1);
    const started = q.post('C1', first.fn);
    const rest = [
      q.post('C1', async () => log.push('card 2')),
      q.update('C1', 'ts-9', 2, async () => log.push('redraw 9')),
      q.post('C1', async () => log.push('hunt note'), { urgent: true }),
      q.post('C1', async () => log.push('card 3')),
      q.post('C1', async () => log.push('hunt report'), { urgent: true }),
    ];
    await new Promise((r) => setImmediate(r));
    // The call already running is not overtaken; the answers go next, in their own order.
    expect(log).toEqual(['card 1']);
    first.open();
    await Promise.all([started, ...rest]);
    expect(log).toEqual(['card 1', 'hunt note', 'hunt report', 'card 2', 'redraw 9', 'card 3']);
  });

  it('runs one channel in order, one call at a time', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    const log: string[] = [];
    const a = gate(log, 'a', 1);
    const b = gate(log, 'b', 2);
    const pa = q.post('C1', a.fn);
    const pb = q.post('C1', b.fn);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a']);
    a.open();
    expect(await pa).toBe(1);
    b.open();
    expect(await pb).toBe(2);
    expect(log).toEqual(['a', 'b']);
  });

  it('keeps channels independent: a blocked channel does not hold back another', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    const log: string[] = [];
    const stuck = gate(log, 'stuck', 0);
    const pStuck = q.post('C1', stuck.fn);
    expect(await q.post('C2', async () => 'other')).toBe('other');
    stuck.open();
    await pStuck;
  });

  it('after a 429 pauses the channel for Retry-After and retries the same call in place', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    let calls = 0;
    const starts: number[] = [];
    const result = await q.post('C1', async () => {
      starts.push(time.t);
      calls += 1;
      if (calls === 1) throw new RateLimited(50);
      return 'posted';
    });
    expect(result).toBe('posted');
    expect(calls).toBe(2);
    // Retry-After, then one token's worth (1.05 ms at 95 % of 1,000/s, rounded up): the refused call spent its token.
    expect(time.sleeps).toEqual([50, 2]);
    expect(starts[1] - starts[0]).toBe(52);
    expect(q.rateLimitedCount).toBe(1);
  });

  it('gives a call back as DeliveryError retry when Retry-After is longer than it waits inline', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, maxInlineWaitMs: 1000, rateLimitOf, time });
    const err = await q
      .post('C1', async () => {
        throw new RateLimited(60_000);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ disposition: 'retry', retryAfterMs: 60_000 });
  });

  it('passes other errors through untouched', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    const boom = new Error('boom');
    await expect(q.post('C1', async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await q.post('C1', async () => 'still works')).toBe('still works');
  });

  it('collapses queued updates of one message to the highest version; every caller gets its outcome', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 5, rateLimitOf, time });
    const log: string[] = [];
    const busy = gate(log, 'busy', 'busy');
    const pBusy = q.post('C1', busy.fn);
    const sent: number[] = [];
    const update = (v: number) => q.update('C1', '111.222', v, async () => (sent.push(v), v));
    const results = [update(2), update(4), update(3), q.update('C1', '333.444', 1, async () => (sent.push(100), 100))];
    expect(q.depth('C1')).toBe(2);
    busy.open();
    await pBusy;
    expect(await Promise.all(results)).toEqual([4, 4, 4, 100]);
    expect(sent).toEqual([4, 100]);
  });

  it('paces a channel: beyond the burst, calls wait for tokens', async () => {
    q = new ChannelQueue({ ratePerSecond: 20, burst: 2, rateLimitOf, time });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => q.post('C1', async () => starts.push(time.t))));
    // Two at once (burst), then one per 1/(0.95 × 20) s, 52.6 ms, rounded up to the next ms.
    expect(starts.map((t) => t - starts[0])).toEqual([0, 0, 53, 106]);
  });

  it('stop() fails what is still queued as retryable and refuses new work', async () => {
    q = new ChannelQueue({ ratePerSecond: 1000, burst: 1, rateLimitOf, time });
    const log: string[] = [];
    const busy = gate(log, 'busy', 0);
    void q.post('C1', busy.fn);
    const queued = q.post('C1', async () => 'never');
    q.stop();
    await expect(queued).rejects.toMatchObject({ disposition: 'retry' });
    await expect(q.post('C1', async () => 'late')).rejects.toMatchObject({ disposition: 'retry' });
    busy.open();
  });
});
