import { SlidingWindows } from '../../delivery/pacing';
import { systemTime, type Timekeeper } from '../../time/clock';
import { HttpError } from './errors';

/**
 * Azure Monitor's log query limits, per identity (Microsoft Learn, "Azure Monitor
 * service limits", Log queries and language): 5 queries run at once and more wait
 * in a queue of at most 200; a query queued for more than 3 minutes, one beyond
 * the queue, and any request beyond 200 per 30 seconds are answered 429 with a
 * Retry-After.
 */
export interface ServiceLimitsOptions {
  maxConcurrent?: number;
  maxQueued?: number;
  queueTimeoutMs?: number;
  maxRequests?: number;
  windowMs?: number;
  /** Time each query takes on top of its evaluation: a fixed time or a range drawn uniformly. */
  latencyMs?: number | { min: number; max: number };
  /** Returns 0 <= x < 1; default Math.random. */
  random?: () => number;
  time?: Timekeeper;
}

interface Waiter {
  admit: () => void;
  refuse: (err: HttpError) => void;
}

interface Identity {
  running: number;
  queue: Waiter[];
  rate: SlidingWindows;
}

const THROTTLED = 'ThrottledError';

/** The limits of one local workspace server, kept for each caller identity (its Authorization header). */
export class ServiceLimits {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly queueTimeoutMs: number;
  readonly maxRequests: number;
  readonly windowMs: number;
  private readonly time: Timekeeper;
  private readonly random: () => number;
  private readonly identities = new Map<string, Identity>();
  /** 429s answered so far, for tests and benchmarks. */
  throttled = 0;

  constructor(private readonly options: ServiceLimitsOptions = {}) {
    this.maxConcurrent = positive('maxConcurrent', options.maxConcurrent ?? 5);
    this.maxQueued = nonNegative('maxQueued', options.maxQueued ?? 200);
    this.queueTimeoutMs = nonNegative('queueTimeoutMs', options.queueTimeoutMs ?? 180_000);
    this.maxRequests = positive('maxRequests', options.maxRequests ?? 200);
    this.windowMs = positive('windowMs', options.windowMs ?? 30_000);
    const latency = options.latencyMs;
    if (typeof latency === 'number') nonNegative('latencyMs', latency);
    else if (latency !== undefined && !(latency.min >= 0 && latency.max >= latency.min)) {
      throw new Error(`latencyMs range needs 0 <= min <= max, got ${JSON.stringify(latency)}`);
    }
    this.time = options.time ?? systemTime;
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs `work` as one query of `identity` within the limits, after the
   * configured latency; throws a 429 HttpError when the service would.
   */
  async run<T>(identity: string, work: () => Promise<T>): Promise<T> {
    const id = this.identity(identity);
    const now = this.time.now().getTime();
    const wait = id.rate.waitMs(now);
    if (wait > 0)
      throw this.refusal(wait, `The request rate limit of ${this.maxRequests} requests per ${this.windowMs / 1000} seconds was exceeded`);
    id.rate.take(now);
    if (id.running >= this.maxConcurrent) await this.enqueue(id);
    else id.running++;
    try {
      const latency = this.latency();
      if (latency > 0) await this.time.sleep(latency);
      return await work();
    } finally {
      const next = id.queue.shift();
      // The slot passes straight to the next in the queue.
      if (next !== undefined) next.admit();
      else id.running--;
    }
  }

  /** Queries running and queued over all identities. */
  stats(): { running: number; queued: number } {
    let running = 0;
    let queued = 0;
    for (const id of this.identities.values()) {
      running += id.running;
      queued += id.queue.length;
    }
    return { running, queued };
  }

  private enqueue(id: Identity): Promise<void> {
    if (id.queue.length >= this.maxQueued) {
      return Promise.reject(this.refusal(this.windowMs, `More than ${this.maxQueued} queries are queued for this caller`));
    }
    return new Promise<void>((resolve, reject) => {
      const controller = new AbortController();
      const waiter: Waiter = {
        admit: () => {
          controller.abort();
          resolve();
        },
        refuse: reject,
      };
      id.queue.push(waiter);
      this.time.sleep(this.queueTimeoutMs, controller.signal).then(
        () => {
          const at = id.queue.indexOf(waiter);
          if (at < 0) return;
          id.queue.splice(at, 1);
          waiter.refuse(this.refusal(this.windowMs, `The query waited in the queue for more than ${this.queueTimeoutMs / 1000} seconds`));
        },
        () => undefined,
      );
    });
  }

  private refusal(retryAfterMs: number, message: string): HttpError {
    this.throttled++;
    return new HttpError(429, THROTTLED, `${message}; retry after the time in Retry-After`, undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    });
  }

  private latency(): number {
    const l = this.options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l.min + (l.max - l.min) * this.random();
  }

  private identity(key: string): Identity {
    let id = this.identities.get(key);
    if (id === undefined) {
      id = { running: 0, queue: [], rate: new SlidingWindows([{ limit: this.maxRequests, windowMs: this.windowMs }]) };
      this.identities.set(key, id);
    }
    return id;
  }
}

function positive(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be >= 0, got ${v}`);
  return v;
}
