/** At most `limit` sends in any `windowMs` span. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * Microsoft's published per-bot, per-thread limits (a channel counts as one
 * thread): 7 per second, 8 per 2 s, 60 per 30 s, 1,800 per hour.
 */
export const TEAMS_THREAD_LIMITS: readonly RateWindow[] = Object.freeze([
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
]);

/** Time source and timer, injectable so tests need no real waiting. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Lane {
  /** Send times, oldest first, within the longest window. */
  sent: number[];
  /** The previous acquire of this lane; acquires run one after another (FIFO). */
  tail: Promise<void>;
  pausedUntil: number;
  waiting: number;
}

/**
 * One FIFO per conversation that lets a send through only when every window
 * still has room (a sliding log, so the limits hold exactly, bursts included).
 * A 429's Retry-After pauses the whole conversation, not just the call that got it.
 */
export class ThreadRateLimiter {
  private readonly lanes = new Map<string, Lane>();
  private readonly windows: readonly RateWindow[];
  private readonly longest: number;

  constructor(
    windows: readonly RateWindow[] = TEAMS_THREAD_LIMITS,
    private readonly clock: LimiterClock = systemClock,
  ) {
    if (windows.length === 0) throw new Error('ThreadRateLimiter needs at least one window');
    for (const w of windows) {
      if (!Number.isSafeInteger(w.limit) || w.limit < 1 || !Number.isSafeInteger(w.windowMs) || w.windowMs < 1) {
        throw new Error(`ThreadRateLimiter: window ${JSON.stringify(w)} needs a positive integer limit and windowMs`);
      }
    }
    this.windows = windows;
    this.longest = Math.max(...windows.map((w) => w.windowMs));
  }

  /** Resolves when `key` may send, and counts the send. Callers queue in arrival order. */
  acquire(key: string): Promise<void> {
    const lane = this.lane(key);
    lane.waiting++;
    const turn = lane.tail.then(async () => {
      for (;;) {
        const wait = this.delayFor(key);
        if (wait <= 0) break;
        await this.clock.sleep(wait);
      }
      lane.sent.push(this.clock.now());
    });
    lane.tail = turn.catch(() => undefined).finally(() => {
      lane.waiting--;
      this.sweep(key, lane);
    });
    return turn;
  }

  /** Holds every send of `key` back for `ms` (Retry-After). */
  pause(key: string, ms: number): void {
    if (!(ms > 0)) return;
    const lane = this.lane(key);
    lane.pausedUntil = Math.max(lane.pausedUntil, this.clock.now() + ms);
  }

  /** Milliseconds until `key` may send again (0: now). */
  delayFor(key: string): number {
    const lane = this.lanes.get(key);
    if (!lane) return 0;
    const now = this.clock.now();
    this.prune(lane, now);
    let wait = lane.pausedUntil - now;
    const { sent } = lane;
    for (const w of this.windows) {
      if (sent.length < w.limit) continue;
      // The limit-th most recent send must leave the window first.
      const pivot = sent[sent.length - w.limit];
      if (pivot > now - w.windowMs) wait = Math.max(wait, pivot + w.windowMs - now);
    }
    return Math.max(0, wait);
  }

  /** Sends counted for `key` within the last `windowMs` (for logs and tests). */
  sentWithin(key: string, windowMs: number): number {
    const lane = this.lanes.get(key);
    if (!lane) return 0;
    const since = this.clock.now() - windowMs;
    return lane.sent.filter((t) => t > since).length;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { sent: [], tail: Promise.resolve(), pausedUntil: 0, waiting: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private prune(lane: Lane, now: number): void {
    const since = now - this.longest;
    let drop = 0;
    while (drop < lane.sent.length && lane.sent[drop] <= since) drop++;
    if (drop > 0) lane.sent.splice(0, drop);
  }

  /** Idle conversations are forgotten once nothing they sent still counts. */
  private sweep(key: string, lane: Lane): void {
    const now = this.clock.now();
    this.prune(lane, now);
    if (lane.waiting === 0 && lane.sent.length === 0 && lane.pausedUntil <= now && this.lanes.get(key) === lane) {
      this.lanes.delete(key);
    }
  }
}
