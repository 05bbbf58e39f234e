import { systemTime, type Timekeeper } from '../time/clock';

/** At most `limit` sends in any `windowMs` span. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** The pacing rule of one lane (a Slack channel, a Teams conversation), in milliseconds since the epoch. */
export interface Pace {
  /** How long a send must wait from `now` (0: it may go). */
  waitMs(now: number): number;
  /** Counts a send made at `now`. */
  take(now: number): void;
  /** Holds every send back until `until` (a Retry-After). */
  pauseUntil(until: number): void;
  /** Nothing sent so far still counts, so the lane can be forgotten. */
  idle(now: number): boolean;
}

/** `burst` sends back to back, then `ratePerSecond` sustained (Slack: about one a second per channel). */
export class TokenBucket implements Pace {
  private tokens: number;
  private refilledAt: number | undefined;
  private pausedTill = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('TokenBucket: ratePerSecond must be > 0');
    if (!(burst >= 1)) throw new Error('TokenBucket: burst must be >= 1');
    this.tokens = burst;
  }

  waitMs(now: number): number {
    if (now < this.pausedTill) return this.pausedTill - now;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  pauseUntil(until: number): void {
    this.pausedTill = Math.max(this.pausedTill, until);
    // The refused call spent its token; refilling starts when the pause ends.
    this.tokens = Math.min(this.tokens, 0);
    this.refilledAt = this.pausedTill;
  }

  idle(now: number): boolean {
    if (now < this.pausedTill) return false;
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = this.refilledAt === undefined ? 0 : Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    this.refilledAt = Math.max(now, this.refilledAt ?? now);
  }
}

/**
 * Several windows at once (Teams: 7 per second, 8 per 2 s, 60 per 30 s, 1,800 per
 * hour), kept as a sliding log of send times so the limits hold exactly, bursts included.
 */
export class SlidingWindows implements Pace {
  private readonly sent: number[] = [];
  private readonly longest: number;
  private pausedTill = 0;

  constructor(private readonly windows: readonly RateWindow[]) {
    if (windows.length === 0) throw new Error('SlidingWindows needs at least one window');
    for (const w of windows) {
      if (!Number.isSafeInteger(w.limit) || w.limit < 1 || !Number.isSafeInteger(w.windowMs) || w.windowMs < 1) {
        throw new Error(`SlidingWindows: window ${JSON.stringify(w)} needs a positive integer limit and windowMs`);
      }
    }
    this.longest = Math.max(...windows.map((w) => w.windowMs));
  }

  waitMs(now: number): number {
    this.prune(now);
    let wait = this.pausedTill - now;
    for (const w of this.windows) {
      if (this.sent.length < w.limit) continue;
      // The limit-th most recent send must leave the window first.
      const pivot = this.sent[this.sent.length - w.limit];
      if (pivot > now - w.windowMs) wait = Math.max(wait, pivot + w.windowMs - now);
    }
    return Math.max(0, wait);
  }

  take(now: number): void {
    this.sent.push(now);
  }

  pauseUntil(until: number): void {
    this.pausedTill = Math.max(this.pausedTill, until);
  }

  idle(now: number): boolean {
    this.prune(now);
    return this.sent.length === 0 && this.pausedTill <= now;
  }

  /** Sends counted within the last `windowMs` before `now`. */
  sentWithin(now: number, windowMs: number): number {
    const since = now - windowMs;
    return this.sent.filter((t) => t > since).length;
  }

  private prune(now: number): void {
    const since = now - this.longest;
    let drop = 0;
    while (drop < this.sent.length && this.sent[drop] <= since) drop++;
    if (drop > 0) this.sent.splice(0, drop);
  }
}

interface Lane<P extends Pace> {
  pace: P;
  /** The previous acquire of this lane; acquires run one after another (FIFO). */
  tail: Promise<void>;
  waiting: number;
}

/**
 * One lane per key (channel, conversation), each with its own Pace, on an
 * injectable clock and timer so tests move time by hand. A busy key never holds
 * back another; a key nothing counts against any more is forgotten.
 */
export class Pacer<P extends Pace = Pace> {
  private readonly lanes = new Map<string, Lane<P>>();

  constructor(
    private readonly newPace: () => P,
    protected readonly time: Timekeeper = systemTime,
  ) {}

  /**
   * Resolves when `key` may send, and counts the send. Callers of one key go in
   * arrival order; an abort of `signal` ends the wait with its reason.
   */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    const lane = this.lane(key);
    lane.waiting++;
    const turn = lane.tail.then(async () => {
      for (;;) {
        signal?.throwIfAborted();
        const wait = lane.pace.waitMs(this.nowMs());
        if (wait <= 0) break;
        await this.time.sleep(wait, signal);
      }
      lane.pace.take(this.nowMs());
    });
    lane.tail = turn
      .catch(() => undefined)
      .finally(() => {
        lane.waiting--;
        this.sweep(key, lane);
      });
    return turn;
  }

  /**
   * Counts a send and answers true when `key` may send right now and nobody is
   * waiting on it, so a caller can go ahead without giving up its turn.
   */
  tryTake(key: string): boolean {
    const lane = this.lane(key);
    const now = this.nowMs();
    if (lane.waiting > 0 || lane.pace.waitMs(now) > 0) {
      this.sweep(key, lane);
      return false;
    }
    lane.pace.take(now);
    return true;
  }

  /** Holds every send of `key` back for `ms` (Retry-After). */
  pause(key: string, ms: number): void {
    if (!(ms > 0)) return;
    this.lane(key).pace.pauseUntil(this.nowMs() + ms);
  }

  /** Milliseconds until `key` may send again (0: now). */
  delayFor(key: string): number {
    return this.lanes.get(key)?.pace.waitMs(this.nowMs()) ?? 0;
  }

  protected paceOf(key: string): P | undefined {
    return this.lanes.get(key)?.pace;
  }

  protected nowMs(): number {
    return this.time.now().getTime();
  }

  private lane(key: string): Lane<P> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { pace: this.newPace(), tail: Promise.resolve(), waiting: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private sweep(key: string, lane: Lane<P>): void {
    if (lane.waiting === 0 && lane.pace.idle(this.nowMs()) && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}
