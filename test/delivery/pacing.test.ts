import { Pacer, SlidingWindows, TokenBucket } from '../../src/delivery/pacing';
import { ManualTime } from '../support/manual-time';

describe('TokenBucket', () => {
  it('lets a burst through, then one send per 1/rate', () => {
    const bucket = new TokenBucket(2, 3);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(0)).toBe(0);
      bucket.take(0);
    }
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.waitMs(500)).toBe(0);
  });

  it('after a pause waits it out and refills only from its end', () => {
    const bucket = new TokenBucket(1, 5);
    bucket.take(0);
    bucket.pauseUntil(10_000);
    expect(bucket.waitMs(4_000)).toBe(6_000);
    expect(bucket.waitMs(10_000)).toBe(1_000);
    expect(bucket.idle(10_000)).toBe(false);
    expect(bucket.idle(15_000)).toBe(true);
  });

  it('refuses a rate or burst that makes no sense', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket(1, 0)).toThrow(/burst/);
  });
});

describe('SlidingWindows', () => {
  it('holds every window at once', () => {
    const windows = new SlidingWindows([
      { limit: 2, windowMs: 1_000 },
      { limit: 3, windowMs: 10_000 },
    ]);
    windows.take(0);
    windows.take(0);
    expect(windows.waitMs(0)).toBe(1_000);
    windows.take(1_000);
    expect(windows.waitMs(1_000)).toBe(9_000);
    expect(windows.sentWithin(1_000, 1_000)).toBe(1);
    expect(windows.idle(11_000)).toBe(true);
  });
});

describe('Pacer', () => {
  it('waits on the injected clock, one key at a time in arrival order, keys apart', async () => {
    const time = new ManualTime(0);
    const pacer = new Pacer(() => new TokenBucket(10, 1), time);
    const order: string[] = [];
    await Promise.all([
      pacer.acquire('a').then(() => order.push(`a1@${time.t}`)),
      pacer.acquire('a').then(() => order.push(`a2@${time.t}`)),
      pacer.acquire('b').then(() => order.push(`b1@${time.t}`)),
    ]);
    expect(order).toEqual(['a1@0', 'b1@0', 'a2@100']);
    expect(time.sleeps).toEqual([100]);
  });

  it('tryTake goes ahead only when the key may send now and nobody waits on it', () => {
    const time = new ManualTime(0);
    const pacer = new Pacer(() => new TokenBucket(1, 1), time);
    expect(pacer.tryTake('c')).toBe(true);
    expect(pacer.tryTake('c')).toBe(false);
    expect(pacer.delayFor('c')).toBe(1_000);
    time.advance(1_000);
    expect(pacer.tryTake('c')).toBe(true);
  });

  it('a pause holds the key back; an abort ends the wait with its reason', async () => {
    const time = new ManualTime(0);
    const pacer = new Pacer(() => new TokenBucket(1, 1), time);
    pacer.pause('c', 5_000);
    expect(pacer.delayFor('c')).toBe(5_000);
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await expect(pacer.acquire('c', stop.signal)).rejects.toThrow('stopped');
  });
});
