/**
 * Concurrency limit, bounded queue and the short cache, against the local workspace
 * server slowed down with its own fault injection (delayMs). The only test-side
 * QuerySource is a counter around the real LogAnalyticsSource, at the Azure boundary;
 * it can hold queries until the test releases them, so "still in flight" never
 * depends on how long a delay lasts.
 */
import { HuntError, HuntService, type HuntTiming } from '../../../src/alerts/hunt';
import { BusyError, ConcurrencyLimiter } from '../../../src/alerts/hunt/limiter';
import type { QueryResult, QuerySource, TimeRange } from '../../../src/workspace';
import { SqliteStore } from '../../../src/store';
import { DEFAULT_LOCAL_WORKSPACE_ID, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { useFakeTimeouts, whenReal } from '../../support/fake-timeouts';
import { ctx, huntAudit, NOW, tableSource, WEEK_MS } from './fixtures';

/** Counts queries in flight on the way to the workspace; when held, they wait for release(). */
class CountingSource implements QuerySource {
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;
  private gate: Promise<void> | undefined;
  private open: () => void = () => undefined;
  private watchers: (() => void)[] = [];
  constructor(private readonly inner: QuerySource) {}
  get name(): string {
    return this.inner.name;
  }
  /** Queries from now on wait at the boundary until release(). */
  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }
  release(): void {
    this.gate = undefined;
    this.open();
  }
  /** Resolves once `n` queries are in flight at the same time. */
  inFlightReaches(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.inFlight >= n) resolve();
        else this.watchers.push(check);
      };
      check();
    });
  }
  async query(kql: string, timespan: TimeRange, options?: { signal?: AbortSignal }): Promise<QueryResult> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    for (const w of this.watchers.splice(0)) w();
    try {
      if (this.gate !== undefined) await this.gate;
      return await this.inner.query(kql, timespan, options);
    } finally {
      this.inFlight--;
    }
  }
}

let server: WorkspaceServer;
let store: SqliteStore;
let t = NOW.getTime();
const clock = (): Date => new Date(t);

function counting(): CountingSource {
  return new CountingSource(
    new LogAnalyticsSource({
      name: 'contoso-sentinel',
      workspaceId: DEFAULT_LOCAL_WORKSPACE_ID,
      endpoint: server.url,
      local: true,
      maxRetries: 0,
    }),
  );
}

beforeAll(async () => {
  server = await startWorkspaceServer({ source: tableSource(), clock: () => NOW });
  store = new SqliteStore(':memory:', { clock: () => NOW });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

afterEach(() => {
  server.faults.clear();
  jest.useRealTimers();
});

describe('concurrency', () => {
  it('runs at most maxConcurrency queries, queues a bounded number, refuses the rest as busy', async () => {
    const source = counting();
    const hunts = new HuntService({ sources: [source], store, clock, limits: { maxConcurrency: 2, maxQueued: 2, cacheSeconds: 0 } });
    source.hold();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'].map((u) => `${u}@contoso.com`);
    const running = users.map((upn) => hunts.run({ upn, lookbackMs: WEEK_MS }, ctx()));
    // Two running and two queued, all held: the fifth is refused before any finishes.
    await Promise.all([source.inFlightReaches(2), running[4]?.catch(() => undefined)]);
    source.release();
    const outcomes = await Promise.allSettled(running);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const refused = (outcomes[4] as PromiseRejectedResult).reason as HuntError;
    expect(refused).toBeInstanceOf(HuntError);
    expect(refused.failure).toBe('busy');
    expect(refused.message).toBe('too many hunts in progress, try again in a minute');
    expect(source.maxInFlight).toBe(2);
    expect(source.calls).toBe(4);

    const audit = huntAudit(await store.listAudit({ limit: 20 })).slice(-5);
    expect(audit.filter((a) => a.outcome === 'allowed')).toHaveLength(4);
    expect(audit.find((a) => a.outcome === 'failed')?.detail).toContain('erin@contoso.com');
  });

  it('uses the workspace default of 5 concurrent queries', async () => {
    const source = counting();
    const hunts = new HuntService({ sources: [source], store, clock, limits: { cacheSeconds: 0 } });
    source.hold();
    const users = Array.from({ length: 8 }, (_, i) => `user${i}@contoso.com`);
    const running = users.map((upn) => hunts.run({ upn, lookbackMs: WEEK_MS }, ctx()));
    await source.inFlightReaches(5);
    source.release();
    await Promise.all(running);
    expect(source.maxInFlight).toBe(5);
  });

  it('a hunt that times out while queued frees its place', async () => {
    useFakeTimeouts();
    const source = counting();
    const hunts = new HuntService({
      sources: [source],
      store,
      clock,
      limits: { maxConcurrency: 1, maxQueued: 1, cacheSeconds: 0, timeoutMs: 1500 },
    });
    server.faults.next({ delayMs: 3000 });
    const first = hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    const second = hunts.run({ upn: 'bob@contoso.com', lookbackMs: WEEK_MS }, ctx());
    const firstTimedOut = expect(first).rejects.toThrow('the hunt timed out after 1.5 s');
    const secondTimedOut = expect(second).rejects.toThrow('the hunt timed out after 1.5 s');
    await whenReal('the slow query to reach the workspace', () => server.faults.pending === 0);
    await jest.advanceTimersByTimeAsync(1500);
    await firstTimedOut;
    await secondTimedOut;
    // The timed-out query was aborted and the queue is empty again: the next hunt runs
    // (with the same 1.5 s limit, which no time passes against) instead of being refused as busy or waiting out the slow one.
    const third = await hunts.run({ upn: 'carol@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(third.upn).toBe('carol@contoso.com');
    // A released slot is handed on only after the aborted query has settled.
    expect(source.maxInFlight).toBe(1);
  });
});

describe('ConcurrencyLimiter', () => {
  function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
    let resolve!: (v: string) => void;
    const promise = new Promise<string>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('starts queued tasks in order as slots free, and refuses beyond the queue', async () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    const a = deferred();
    const b = deferred();
    const started: string[] = [];
    const ra = limiter.run(async () => (started.push('a'), a.promise));
    const rb = limiter.run(async () => (started.push('b'), b.promise));
    await expect(limiter.run(async () => 'c')).rejects.toThrow(BusyError);
    await Promise.resolve();
    expect(started).toEqual(['a']);
    expect([limiter.running, limiter.queued]).toEqual([1, 1]);
    a.resolve('A');
    await expect(ra).resolves.toBe('A');
    b.resolve('B');
    await expect(rb).resolves.toBe('B');
    expect(started).toEqual(['a', 'b']);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('an abort while queued removes the task and rejects with the reason; it never starts', async () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    const a = deferred();
    const ra = limiter.run(() => a.promise);
    const controller = new AbortController();
    let started = false;
    const rb = limiter.run(async () => {
      started = true;
      return 'b';
    }, controller.signal);
    expect(limiter.queued).toBe(1);
    controller.abort(new Error('gave up'));
    await expect(rb).rejects.toThrow('gave up');
    expect(limiter.queued).toBe(0);
    // Its place is free: another task can queue.
    const rc = limiter.run(async () => 'c');
    a.resolve('A');
    await expect(ra).resolves.toBe('A');
    await expect(rc).resolves.toBe('c');
    expect(started).toBe(false);
  });
});

describe('the short cache', () => {
  it('answers an identical hunt within cacheSeconds from memory, and asks again after', async () => {
    const source = counting();
    const timings: HuntTiming[] = [];
    const hunts = new HuntService({ sources: [source], store, clock, limits: { cacheSeconds: 60 }, onTiming: (x) => timings.push(x) });
    const first = await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    t += 59_000;
    const second = await hunts.run({ upn: 'ALICE@contoso.com', lookbackMs: WEEK_MS }, ctx('teams:19:other'));
    expect(source.calls).toBe(1);
    expect(second).toEqual(first);
    // Each caller gets its own copy.
    second.recent.length = 0;
    const third = await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(third.recent.length).toBe(first.recent.length);
    expect(timings.map((x) => x.cached)).toEqual([false, true, true]);

    t += 2_000;
    await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(source.calls).toBe(2);

    // Every hunt is audited, cached or not.
    const audit = huntAudit(await store.listAudit({ limit: 10 })).slice(-4);
    expect(audit.map((a) => a.outcome)).toEqual(['allowed', 'allowed', 'allowed', 'allowed']);
    expect(audit[1].origin).toBe('teams:19:other');
  });

  it('shares one query between identical hunts in flight', async () => {
    const source = counting();
    const hunts = new HuntService({ sources: [source], store, clock });
    source.hold();
    const running = [1, 2, 3].map(() => hunts.run({ upn: 'bob@contoso.com', lookbackMs: WEEK_MS }, ctx()));
    await source.inFlightReaches(1);
    source.release();
    const reports = await Promise.all(running);
    expect(source.calls).toBe(1);
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
  });

  it('keys on the look-back too, and never caches a failure', async () => {
    const source = counting();
    const hunts = new HuntService({ sources: [source], store, clock });
    server.faults.next({ status: 503 });
    await expect(hunts.run({ upn: 'carol@contoso.com', lookbackMs: WEEK_MS }, ctx())).rejects.toThrow(/could not be reached/);
    const ok = await hunts.run({ upn: 'carol@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(ok.upn).toBe('carol@contoso.com');
    await hunts.run({ upn: 'carol@contoso.com', lookbackMs: 86_400_000 }, ctx());
    expect(source.calls).toBe(3);
  });

  it('cacheSeconds 0 turns the cache off', async () => {
    const source = counting();
    const hunts = new HuntService({ sources: [source], store, clock, limits: { cacheSeconds: 0 } });
    await hunts.run({ upn: 'dave@contoso.com', lookbackMs: WEEK_MS }, ctx());
    await hunts.run({ upn: 'dave@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(source.calls).toBe(2);
  });
});

describe('the timing hook', () => {
  it('a hook that throws leaves every hunt its answer, refusals included', async () => {
    const hunts = new HuntService({
      sources: [counting()],
      store,
      clock,
      limits: { cacheSeconds: 0 },
      onTiming: () => {
        throw new Error('metrics broke');
      },
    });
    const report = await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.upn).toBe('alice@contoso.com');
    await expect(hunts.run({ upn: 'not a upn', lookbackMs: WEEK_MS }, ctx())).rejects.toThrow(HuntError);
  });
});

describe('construction', () => {
  it('refuses options that cannot work, saying which', () => {
    const source = counting();
    expect(() => new HuntService({ sources: [], store })).toThrow('at least one workspace');
    expect(() => new HuntService({ sources: [source, source], store })).toThrow('distinct');
    expect(() => new HuntService({ sources: [source], store, limits: { maxConcurrency: 0 } })).toThrow('maxConcurrency');
    expect(() => new HuntService({ sources: [source], store, limits: { maxQueued: -1 } })).toThrow('maxQueued');
    expect(() => new HuntService({ sources: [source], store, limits: { cacheSeconds: -5 } })).toThrow('cacheSeconds');
    expect(() => new HuntService({ sources: [source], store, limits: { timeoutMs: 0 } })).toThrow('timeoutMs');
  });
});
