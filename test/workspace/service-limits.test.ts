import type { Table } from '../../src/kql/types';
import { LogAnalyticsSource } from '../../src/workspace/log-analytics-source';
import { QueryError } from '../../src/workspace/query-source';
import { HttpError } from '../../src/workspace/server/errors';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';
import { ServiceLimits } from '../../src/workspace/server/service-limits';
import { whenReal } from '../support/fake-timeouts';
import { VirtualTime } from '../support/virtual-time';

const SECOND = 1000;

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('it was not refused');
}

describe('ServiceLimits: Azure Monitor query limits in the local workspace', () => {
  let time: VirtualTime;
  beforeEach(() => {
    time = new VirtualTime();
  });

  /** Work that runs until the test resolves it. */
  const held = (): { work: () => Promise<string>; started: () => boolean; finish: () => void } => {
    let started = false;
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    return {
      work: async () => {
        started = true;
        await gate;
        return 'done';
      },
      started: () => started,
      finish: () => finish(),
    };
  };

  it('runs 5 queries at once, queues the next and starts it as soon as one ends', async () => {
    const limits = new ServiceLimits({ time });
    const jobs = Array.from({ length: 6 }, held);
    const results = jobs.map((j) => limits.run('me', j.work));
    await time.advance(0);
    expect(jobs.map((j) => j.started())).toEqual([true, true, true, true, true, false]);
    expect(limits.stats()).toEqual({ running: 5, queued: 1 });
    jobs[2]?.finish();
    await time.advance(0);
    expect(jobs[5]?.started()).toBe(true);
    for (const j of jobs) j.finish();
    expect(await Promise.all(results)).toHaveLength(6);
    expect(limits.stats()).toEqual({ running: 0, queued: 0 });
  });

  it('answers 429 with Retry-After beyond the queue, and for a query queued longer than 3 minutes', async () => {
    const limits = new ServiceLimits({ time, maxConcurrent: 1, maxQueued: 1 });
    const first = held();
    const running = limits.run('me', first.work);
    const queued = refusal(limits.run('me', async () => 'late'));
    const beyond = await refusal(limits.run('me', async () => 'never'));
    expect(beyond.status).toBe(429);
    expect(beyond.code).toBe('ThrottledError');
    expect(beyond.headers['retry-after']).toBe('30');
    await time.advance(180 * SECOND);
    expect((await queued).status).toBe(429);
    expect((await queued).message).toMatch(/queue for more than 180 seconds/);
    first.finish();
    await running;
    expect(limits.throttled).toBe(2);
  });

  it('answers 429 beyond 200 requests in 30 s, with Retry-After until the oldest leaves the window, per identity', async () => {
    const limits = new ServiceLimits({ time });
    const start = time.t;
    for (let i = 0; i < 200; i++) {
      await limits.run('me', async () => i);
      time.t = start + i * 50; // 200 requests over the first 10 s
    }
    const refused = await refusal(limits.run('me', async () => 'too many'));
    expect(refused.headers['retry-after']).toBe(String(Math.ceil((start + 30 * SECOND - time.t) / 1000)));
    // Another identity has its own budget.
    await expect(limits.run('someone-else', async () => 'ok')).resolves.toBe('ok');
    time.t = start + 30 * SECOND + 1;
    await expect(limits.run('me', async () => 'ok')).resolves.toBe('ok');
  });

  it('adds the configured latency to every query, fixed or drawn from a range', async () => {
    const fixed = new ServiceLimits({ time, latencyMs: 2 * SECOND });
    let done = false;
    const p = fixed.run('me', async () => (done = true));
    await time.advance(1999);
    expect(done).toBe(false);
    await time.advance(1);
    expect(done).toBe(true);
    await p;
    const ranged = new ServiceLimits({ time, latencyMs: { min: SECOND, max: 3 * SECOND }, random: () => 0.5 });
    const startedAt = time.t;
    const q = ranged.run('me', async () => time.t - startedAt);
    await time.advance(3 * SECOND);
    expect(await q).toBe(2 * SECOND);
    expect(() => new ServiceLimits({ latencyMs: { min: 3, max: 1 } })).toThrow(/min <= max/);
    expect(() => new ServiceLimits({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
  });
});

describe('the local workspace server with service limits, through LogsQueryClient', () => {
  const table = (name: string, user: string): Table => ({
    name,
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
    ],
    rows: [{ TimeGenerated: new Date('2026-11-30T12:00:00Z'), User: user }],
  });
  let server: WorkspaceServer;
  let limits: ServiceLimits;
  let time: VirtualTime;
  const NOW = new Date('2026-12-01T00:00:00Z');
  const DAY = { start: new Date(NOW.getTime() - 86_400_000), end: NOW };

  beforeEach(async () => {
    time = new VirtualTime();
    limits = new ServiceLimits({ time, maxConcurrent: 1, maxQueued: 0, latencyMs: 1500 });
    const per = new Map([
      ['ws-a', table('Events', 'alice')],
      ['ws-b', table('Events', 'bob')],
    ]);
    server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      tablesFor: (id) => ({ getTable: (n) => (n === 'Events' ? per.get(id) : undefined) }),
      workspaceId: ['ws-a', 'ws-b'],
      clock: () => NOW,
      limits,
    });
  });
  afterEach(async () => {
    await server.close();
  });

  const source = (id: string): LogAnalyticsSource =>
    new LogAnalyticsSource({ name: id, workspaceId: id, endpoint: server.url, local: true, maxRetries: 0 });

  it('serves each workspace its own rows, and answers a query beyond the limits with a 429 the client reports as throttled', async () => {
    const a = source('ws-a').query('Events', DAY);
    await whenReal('the first query to be admitted', () => limits.stats().running === 1);
    let err: unknown;
    try {
      await source('ws-b').query('Events', DAY);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).kind).toBe('throttled');
    expect((err as QueryError).statusCode).toBe(429);
    expect((err as QueryError).retryAfterMs).toBe(30_000);
    expect(server.requests.map((r) => r.status)).toContain(429);
    await time.advance(1500);
    expect((await a).rows.map((r) => r.User)).toEqual(['alice']);
    const b = source('ws-b').query('Events', DAY);
    await whenReal('the second query to be admitted', () => limits.stats().running === 1);
    await time.advance(1500);
    expect((await b).rows.map((r) => r.User)).toEqual(['bob']);
  });
});
