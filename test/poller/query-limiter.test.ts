import { QueryLimiter, type QueryLimiterEvent } from '../../src/poller/query-limiter';
import { QueryError } from '../../src/workspace/query-source';
import { VirtualTime } from '../support/virtual-time';

const SECOND = 1000;

describe('QueryLimiter (Azure Monitor per-identity query limits)', () => {
  let time: VirtualTime;
  let inFlight: number;
  let maxInFlight: number;
  let starts: { workspace: string; at: number }[];

  beforeEach(() => {
    time = new VirtualTime();
    inFlight = 0;
    maxInFlight = 0;
    starts = [];
  });

  /** A query that takes `ms` of virtual time. */
  const query = (workspace: string, ms: number, fail?: Error) => async (): Promise<string> => {
    starts.push({ workspace, at: time.t });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await time.sleep(ms);
      if (fail) throw fail;
      return workspace;
    } finally {
      inFlight--;
    }
  };

  async function drain(): Promise<void> {
    while (await time.step());
  }

  it('defaults to 5 at once and 200 requests per 30 s, and keeps to both', async () => {
    const limiter = new QueryLimiter({ time });
    expect(limiter.limits).toMatchObject({ maxConcurrent: 5, maxRequests: 200, windowMs: 30_000 });
    const done: Promise<string>[] = [];
    // Short queries so the rate, not the concurrency, is what binds.
    for (let w = 0; w < 100; w++) for (let r = 0; r < 5; r++) done.push(limiter.run(`ws${w}`, query(`ws${w}`, 100)));
    await drain();
    expect(await Promise.all(done)).toHaveLength(500);
    expect(maxInFlight).toBe(5);
    const times = starts.map((s) => s.at).sort((a, b) => a - b);
    for (let i = 0; i + 200 < times.length; i++)
      expect((times[i + 200] as number) - (times[i] as number)).toBeGreaterThanOrEqual(30 * SECOND);
    // 500 requests at 200 per 30 s: the third batch may start at 60 s, and its 100 queries, 5 at a time, take 2 s.
    expect((times[400] as number) - (times[0] as number)).toBe(60 * SECOND);
    expect((times[499] as number) - (times[0] as number)).toBe(61_900);
  });

  it('takes limits from configuration and refuses ones that are not positive integers', () => {
    expect(new QueryLimiter({ limits: { maxConcurrent: 2, maxRequests: 10 } }).limits).toMatchObject({
      maxConcurrent: 2,
      maxRequests: 10,
      windowMs: 30_000,
    });
    expect(() => new QueryLimiter({ limits: { maxConcurrent: 0 } })).toThrow(/maxConcurrent/);
    expect(() => new QueryLimiter({ limits: { windowMs: 1.5 } })).toThrow(/windowMs/);
  });

  it('takes the workspaces in turn, so one with many queued queries does not hold back the others', async () => {
    const limiter = new QueryLimiter({ time, limits: { maxConcurrent: 1 } });
    const done = [
      ...Array.from({ length: 5 }, () => limiter.run('busy', query('busy', SECOND))),
      limiter.run('a', query('a', SECOND)),
      limiter.run('b', query('b', SECOND)),
    ];
    await drain();
    await Promise.all(done);
    expect(starts.map((s) => s.workspace)).toEqual(['busy', 'a', 'b', 'busy', 'busy', 'busy', 'busy']);
  });

  it('lets a slow workspace hold one slot at most, so the others finish as if it were not there', async () => {
    const limiter = new QueryLimiter({ time });
    const slow = Array.from({ length: 3 }, () => limiter.run('slow', query('slow', 10 * 60 * SECOND)));
    const others = Array.from({ length: 40 }, (_, i) => limiter.run(`ws${i}`, query(`ws${i}`, 2 * SECOND)));
    let othersDoneAt = 0;
    void Promise.all(others).then(() => (othersDoneAt = time.t));
    const start = time.t;
    await drain();
    await Promise.all([...slow, ...others]);
    // 40 two-second queries on the 4 slots the slow workspace leaves: 20 s.
    expect(othersDoneAt - start).toBe(20 * SECOND);
    expect(starts.filter((s) => s.workspace === 'slow').map((s) => s.at - start)).toEqual([0, 600 * SECOND, 1200 * SECOND]);
  });

  it('pauses only the workspace that got a 429, for its Retry-After, and reports it', async () => {
    const events: QueryLimiterEvent[] = [];
    const limiter = new QueryLimiter({ time, onEvent: (e) => events.push(e) });
    const throttled = new QueryError('throttled', 'HTTP 429', 429, undefined, 45 * SECOND);
    const first = limiter.run('hot', query('hot', SECOND, throttled));
    const start = time.t;
    await time.advance(SECOND);
    await expect(first).rejects.toBe(throttled);
    const again = limiter.run('hot', query('hot', SECOND));
    const others = Array.from({ length: 8 }, (_, i) => limiter.run(`ws${i}`, query(`ws${i}`, SECOND)));
    await drain();
    await Promise.all([again, ...others]);
    const hotStarts = starts.filter((s) => s.workspace === 'hot').map((s) => s.at - start);
    expect(hotStarts).toEqual([0, 46 * SECOND]);
    expect(Math.max(...starts.filter((s) => s.workspace !== 'hot').map((s) => s.at - start))).toBe(2 * SECOND);
    expect(events).toContainEqual({ kind: 'throttled', workspace: 'hot', pauseMs: 45 * SECOND });
  });

  it('pauses a throttled workspace for the configured time when the error names no Retry-After', async () => {
    const limiter = new QueryLimiter({ time, limits: { throttlePauseMs: 10 * SECOND } });
    const start = time.t;
    const first = limiter.run('hot', query('hot', SECOND, new QueryError('throttled', 'HTTP 429', 429)));
    await time.advance(SECOND);
    await expect(first).rejects.toThrow('HTTP 429');
    const again = limiter.run('hot', query('hot', SECOND));
    await drain();
    await again;
    expect(starts.map((s) => s.at - start)).toEqual([0, 11 * SECOND]);
  });

  it('lets a failing workspace fail without taking anything from the others', async () => {
    const limiter = new QueryLimiter({ time });
    const failing = expect(limiter.run('down', query('down', 0, new QueryError('unavailable', 'HTTP 503', 503)))).rejects.toThrow(
      'HTTP 503',
    );
    const ok = limiter.run('up', query('up', SECOND));
    await drain();
    await failing;
    await expect(ok).resolves.toBe('up');
    expect(limiter.stats()).toEqual({ running: 0, queued: 0 });
  });
});
