import { DeliveryError } from '../../../src/delivery/chat-platform';
import { classifyConnectorError, parseRetryAfter } from '../../../src/chat/teams/errors';
import { TEAMS_THREAD_LIMITS, ThreadRateLimiter } from '../../../src/chat/teams/rate-limiter';
import { TeamsSender, threadKey } from '../../../src/chat/teams/sender';
import { silentLogger } from '../../../src/logging/logger';
import { ManualTime } from '../../support/manual-time';

/** An HttpError as the SDK's ConnectorClient throws it. */
function httpError(status: number, retryAfter?: string): Error {
  const headers = new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  return Object.assign(new Error(`Request failed with status ${status}`), { status, response: { status, headers } });
}

describe('ThreadRateLimiter with the Teams per-thread limits', () => {
  test('never lets more than 7 sends into any 1 s, 8 into 2 s, 60 into 30 s', async () => {
    const clock = new ManualTime();
    const limiter = new ThreadRateLimiter(TEAMS_THREAD_LIMITS, clock);
    const times: number[] = [];
    for (let i = 0; i < 130; i++) {
      await limiter.acquire('19:a@thread.tacv2');
      times.push(clock.t);
    }
    const maxIn = (ms: number) => Math.max(...times.map((t, i) => times.slice(i).filter((u) => u < t + ms).length));
    expect(maxIn(1_000)).toBe(7);
    expect(maxIn(2_000)).toBe(8);
    expect(maxIn(30_000)).toBe(60);
  });

  test('the hourly window holds too (1,800 per hour)', async () => {
    const clock = new ManualTime();
    const limiter = new ThreadRateLimiter([{ limit: 1_800, windowMs: 3_600_000 }], clock);
    for (let i = 0; i < 1_800; i++) await limiter.acquire('c');
    expect(limiter.delayFor('c')).toBe(3_600_000);
  });

  test('conversations are limited separately', async () => {
    const clock = new ManualTime();
    const limiter = new ThreadRateLimiter(TEAMS_THREAD_LIMITS, clock);
    for (let i = 0; i < 7; i++) await limiter.acquire('one');
    expect(limiter.delayFor('one')).toBeGreaterThan(0);
    expect(limiter.delayFor('two')).toBe(0);
  });

  test('a pause (Retry-After) holds every send of that conversation back', async () => {
    const clock = new ManualTime();
    const limiter = new ThreadRateLimiter(TEAMS_THREAD_LIMITS, clock);
    limiter.pause('c', 5_000);
    const start = clock.t;
    await limiter.acquire('c');
    expect(clock.t - start).toBe(5_000);
  });

  test('rejects windows that make no sense', () => {
    expect(() => new ThreadRateLimiter([])).toThrow(/at least one window/);
    expect(() => new ThreadRateLimiter([{ limit: 0, windowMs: 1_000 }])).toThrow(/positive integer/);
  });

  test("threads of a channel share the channel's budget", () => {
    expect(threadKey('19:x@thread.tacv2;messageid=17')).toBe('19:x@thread.tacv2');
    expect(threadKey('a:personal')).toBe('a:personal');
  });
});

describe('TeamsSender retries', () => {
  function sender(clock: ManualTime) {
    return new TeamsSender({
      logger: silentLogger(),
      time: clock,
      random: () => 0.5,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxInlineWaitMs: 30_000 },
    });
  }

  test.each([429, 412, 502, 504])('%i then success: retried with backoff, honouring Retry-After', async (status) => {
    const clock = new ManualTime();
    const s = sender(clock);
    let calls = 0;
    const result = await s.run('c', 'post', async () => {
      calls++;
      if (calls === 1) throw httpError(status, '3');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(2);
    expect(clock.sleeps).toContain(3_000);
  });

  test('backoff grows exponentially with jitter when there is no Retry-After', async () => {
    const clock = new ManualTime();
    const s = sender(clock);
    await expect(s.run('c', 'post FW-1', async () => Promise.reject(httpError(502)))).rejects.toMatchObject({ disposition: 'retry' });
    // random() = 0.5: three-quarters of 500, 1000, 2000.
    expect(clock.sleeps).toEqual([375, 750, 1_500]);
  });

  test('a Retry-After beyond the inline limit is handed back as DeliveryError("retry") with the wait', async () => {
    const clock = new ManualTime();
    const err = await sender(clock)
      .run('c', 'post FW-1', async () => Promise.reject(httpError(429, '120')))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ disposition: 'retry', retryAfterMs: 120_000 });
    expect(clock.sleeps).toEqual([]);
  });

  test('a budget (card actions) stops retrying in time', async () => {
    const clock = new ManualTime();
    let calls = 0;
    const err = await sender(clock)
      .run(
        'c',
        'update',
        async () => {
          calls++;
          throw httpError(429, '2');
        },
        { budgetMs: 3_000 },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ disposition: 'retry' });
    expect(calls).toBe(2);
  });
});

describe('classifyConnectorError', () => {
  test.each([
    [400, 'fatal'],
    [401, 'wait'],
    [403, 'wait'],
    [404, 'wait'],
    [413, 'fatal'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i → %s', (status, disposition) => {
    expect(classifyConnectorError(httpError(status)).disposition).toBe(disposition);
  });

  test('a refused connection is worth retrying later', () => {
    const err = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyConnectorError(err)).toMatchObject({ disposition: 'retry', transient: false });
  });

  test('wrong app credentials need a person', () => {
    expect(classifyConnectorError(new Error('invalid_client: AADSTS7000215 Invalid client secret provided')).disposition).toBe('wait');
  });

  test('Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
