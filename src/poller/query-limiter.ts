import { SlidingWindows } from '../delivery/pacing';
import { systemTime, type Timekeeper } from '../time/clock';
import { QueryError, type QueryResult, type QuerySource, type TimeRange } from '../workspace/query-source';

/**
 * Azure Monitor's log query limits per identity: 5 queries running at once and
 * about 200 requests per 30 seconds; beyond them the service queues, then
 * answers 429 with Retry-After.
 */
export interface QueryLimits {
  /** Queries in flight at once, over every workspace. */
  maxConcurrent: number;
  /** Requests started within any `windowMs`. */
  maxRequests: number;
  windowMs: number;
  /** Queries in flight at once for one workspace, so a slow one holds at most this many slots. */
  perWorkspaceConcurrent: number;
  /** How long a workspace that answered 429 waits when the error names no Retry-After. */
  throttlePauseMs: number;
}

export const AZURE_QUERY_LIMITS: QueryLimits = {
  maxConcurrent: 5,
  maxRequests: 200,
  windowMs: 30_000,
  perWorkspaceConcurrent: 1,
  throttlePauseMs: 30_000,
};

/** A source whose queries wait for a limiter: `admit` runs `work` once it is the query's turn, with the source to query directly. */
export interface AdmittingSource extends QuerySource {
  admit<T>(work: (admitted: QuerySource) => Promise<T>): Promise<T>;
}

export function isAdmitting(source: QuerySource): source is AdmittingSource {
  return typeof (source as Partial<AdmittingSource>).admit === 'function';
}

export type QueryLimiterEvent =
  | { kind: 'started'; workspace: string; queuedMs: number }
  | { kind: 'finished'; workspace: string; ok: boolean; durationMs: number }
  | { kind: 'throttled'; workspace: string; pauseMs: number };

export interface QueryLimiterOptions {
  limits?: Partial<QueryLimits>;
  time?: Timekeeper;
  /** Told of every start, finish and 429, for /metrics. */
  onEvent?: (event: QueryLimiterEvent) => void;
}

interface Waiter {
  run: () => void;
  queuedAt: number;
}

interface Lane {
  queue: Waiter[];
  running: number;
  pausedUntil: number;
}

/**
 * One gate for every log query of an identity. Waiting queries are taken from
 * the workspaces in turn (round robin), never more than `perWorkspaceConcurrent`
 * of one workspace at once, so a slow, failing or throttled workspace delays
 * only its own queries; a 429 pauses only the workspace that got it.
 */
export class QueryLimiter {
  readonly limits: QueryLimits;
  private readonly time: Timekeeper;
  private readonly rate: SlidingWindows;
  private readonly lanes = new Map<string, Lane>();
  private order: string[] = [];
  private cursor = 0;
  private running = 0;
  /** When the pending wake-up fires (one timer at a time). */
  private wakeAt: number | undefined;

  constructor(private readonly options: QueryLimiterOptions = {}) {
    this.limits = { ...AZURE_QUERY_LIMITS, ...stripUndefined(options.limits ?? {}) };
    const l = this.limits;
    for (const key of ['maxConcurrent', 'maxRequests', 'windowMs', 'perWorkspaceConcurrent'] as const) {
      if (!Number.isSafeInteger(l[key]) || l[key] < 1) throw new Error(`query limit ${key} must be a positive integer, got ${l[key]}`);
    }
    if (!Number.isFinite(l.throttlePauseMs) || l.throttlePauseMs < 0)
      throw new Error(`query limit throttlePauseMs must be >= 0, got ${l.throttlePauseMs}`);
    this.time = options.time ?? systemTime;
    this.rate = new SlidingWindows([{ limit: l.maxRequests, windowMs: l.windowMs }]);
  }

  /** Runs `work` for `workspace` once the limits allow it. */
  run<T>(workspace: string, work: () => Promise<T>): Promise<T> {
    const lane = this.lane(workspace);
    return new Promise<T>((resolve, reject) => {
      const queuedAt = this.now();
      lane.queue.push({
        queuedAt,
        run: () => {
          const startedAt = this.now();
          this.options.onEvent?.({ kind: 'started', workspace, queuedMs: startedAt - queuedAt });
          let ok = false;
          work()
            .then(
              (value) => {
                ok = true;
                resolve(value);
              },
              (err: unknown) => {
                if (err instanceof QueryError && err.kind === 'throttled')
                  this.throttle(workspace, err.retryAfterMs ?? this.limits.throttlePauseMs);
                reject(err);
              },
            )
            .finally(() => {
              this.running--;
              lane.running--;
              this.options.onEvent?.({ kind: 'finished', workspace, ok, durationMs: this.now() - startedAt });
              this.pump();
            });
        },
      });
      this.pump();
    });
  }

  /** The same source, its queries (the rule's and its enrichment's) going through this limiter. */
  wrap(source: QuerySource): AdmittingSource {
    return {
      name: source.name,
      query: (kql: string, timespan: TimeRange, options?: { signal?: AbortSignal }): Promise<QueryResult> =>
        this.run(source.name, () => source.query(kql, timespan, options)),
      admit: <T>(work: (admitted: QuerySource) => Promise<T>): Promise<T> => this.run(source.name, () => work(source)),
    };
  }

  /** Holds `workspace`'s next queries back for `ms` (a 429's Retry-After). */
  throttle(workspace: string, ms: number): void {
    const lane = this.lane(workspace);
    lane.pausedUntil = Math.max(lane.pausedUntil, this.now() + Math.max(0, ms));
    this.options.onEvent?.({ kind: 'throttled', workspace, pauseMs: ms });
  }

  /** Queries in flight and waiting, for doctor and tests. */
  stats(): { running: number; queued: number } {
    let queued = 0;
    for (const lane of this.lanes.values()) queued += lane.queue.length;
    return { running: this.running, queued };
  }

  private pump(): void {
    while (this.running < this.limits.maxConcurrent) {
      const now = this.now();
      const rateWait = this.rate.waitMs(now);
      let earliestPause = Infinity;
      let picked: Lane | undefined;
      for (let i = 0; i < this.order.length; i++) {
        const index = (this.cursor + i) % this.order.length;
        const lane = this.lanes.get(this.order[index] as string) as Lane;
        if (lane.queue.length === 0 || lane.running >= this.limits.perWorkspaceConcurrent) continue;
        if (lane.pausedUntil > now) {
          earliestPause = Math.min(earliestPause, lane.pausedUntil);
          continue;
        }
        picked = lane;
        this.cursor = index + 1;
        break;
      }
      if (picked === undefined) {
        if (earliestPause < Infinity) this.wakeIn(earliestPause - now);
        this.forgetIdle();
        return;
      }
      if (rateWait > 0) {
        this.wakeIn(rateWait);
        return;
      }
      const waiter = picked.queue.shift() as Waiter;
      this.rate.take(now);
      this.running++;
      picked.running++;
      waiter.run();
    }
  }

  private wakeIn(ms: number): void {
    const at = this.now() + Math.max(1, ms);
    if (this.wakeAt !== undefined && this.wakeAt <= at) return;
    this.wakeAt = at;
    void this.time.sleep(Math.max(1, ms)).then(() => {
      if (this.wakeAt === at) this.wakeAt = undefined;
      this.pump();
    });
  }

  /** Workspaces with nothing queued, running or paused are dropped, so the round robin stays short. */
  private forgetIdle(): void {
    const now = this.now();
    if (this.order.length < 64) return;
    const keep = this.order.filter((name) => {
      const lane = this.lanes.get(name) as Lane;
      const busy = lane.queue.length > 0 || lane.running > 0 || lane.pausedUntil > now;
      if (!busy) this.lanes.delete(name);
      return busy;
    });
    if (keep.length !== this.order.length) {
      this.order = keep;
      this.cursor = 0;
    }
  }

  private lane(workspace: string): Lane {
    let lane = this.lanes.get(workspace);
    if (lane === undefined) {
      lane = { queue: [], running: 0, pausedUntil: 0 };
      this.lanes.set(workspace, lane);
      this.order.push(workspace);
    }
    return lane;
  }

  private now(): number {
    return this.time.now().getTime();
  }
}

function stripUndefined<T extends object>(o: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
