import { DeliveryError } from '../../delivery/chat-platform';
import { Pacer, TokenBucket } from '../../delivery/pacing';
import { systemTime, type Timekeeper } from '../../time/clock';

export interface ChannelQueueOptions {
  /** Slack's sustained messages per second per channel (about 1); posts go at 95 % of it. */
  ratePerSecond: number;
  /** Messages a quiet channel may send back to back. */
  burst: number;
  /** A 429 whose Retry-After is at most this long is waited out and the call retried in place. */
  maxInlineWaitMs: number;
  /** How many 429s one call may wait out before it is handed back as a DeliveryError('retry'). */
  maxInlineRetries: number;
  /** Returns the Retry-After (ms) when the error is a rate-limit answer, else undefined. */
  rateLimitOf: (err: unknown) => number | undefined;
  /** Clock and timer for pacing and Retry-After waits. */
  time: Timekeeper;
}

export const DEFAULT_QUEUE_OPTIONS: Omit<ChannelQueueOptions, 'rateLimitOf'> = {
  ratePerSecond: 1,
  burst: 3,
  maxInlineWaitMs: 30_000,
  maxInlineRetries: 3,
  time: systemTime,
};

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Item {
  run: () => Promise<unknown>;
  waiters: Waiter[];
  /** Updates of one message share a key; only the newest queued one is sent. */
  key?: string;
  version?: number;
  /** Someone is waiting on it (a reply to a command): it goes ahead of queued card posts and redraws. */
  urgent?: boolean;
  /** When it was queued (ms since epoch): a card waiting longer than CARD_MAX_WAIT_MS goes next. */
  queuedAt: number;
  rateLimitedTimes: number;
}

/**
 * Answers go ahead of cards, but never for longer than this: a card (new or
 * redrawn) queued this long goes next, so whatever the hunt load a card
 * reaches the channel within this plus one pacing interval.
 */
export const CARD_MAX_WAIT_MS = 5_000;

interface Lane {
  items: Item[];
  /** An item is running or the lane is waiting for its turn to send one. */
  busy: boolean;
  pausedUntil: number;
}

/**
 * Posts are spaced at this share of `ratePerSecond`. Posts spaced exactly at the
 * limit still reach Slack bunched up (the first one on a new connection, the
 * event loop), and one post over the limit costs the channel a whole Retry-After.
 */
const PACE_SHARE = 0.95;

/**
 * One FIFO per Slack channel, paced by a token bucket, paused by Retry-After.
 * Slack's limit on chat.postMessage is per channel, so one busy channel never
 * holds back another.
 */
export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly options: ChannelQueueOptions;
  private readonly pacer: Pacer<TokenBucket>;
  /** Ends every pacing wait when the queue stops. */
  private readonly stopping = new AbortController();
  private stopped = false;
  /** How many 429s were answered, for logs and tests. */
  rateLimitedCount = 0;

  constructor(options: Partial<ChannelQueueOptions> & Pick<ChannelQueueOptions, 'rateLimitOf'>) {
    this.options = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    const { ratePerSecond, burst } = this.options;
    if (!(ratePerSecond > 0)) throw new Error('ChannelQueue: ratePerSecond must be > 0');
    if (!(burst >= 1)) throw new Error('ChannelQueue: burst must be >= 1');
    this.pacer = new Pacer(() => new TokenBucket(ratePerSecond * PACE_SHARE, burst), this.options.time);
  }

  /**
   * Runs `fn` in the channel's turn (new messages, thread replies). `urgent`:
   * a person is waiting on this message (a hunt's answer), so it goes ahead of
   * every queued message that is not urgent, still paced by the same bucket;
   * during a burst of clicks it does not wait behind every redrawn card.
   */
  post<T>(channel: string, fn: () => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> {
    return this.enqueue<T>(channel, { run: fn, waiters: [], rateLimitedTimes: 0, urgent: options.urgent === true, queuedAt: this.nowMs() });
  }

  /**
   * Runs an update of one message (`key`, e.g. its ts). A queued update for the
   * same key that has not started yet is replaced by the newer one (higher
   * version wins); every caller gets the outcome of the update actually sent.
   */
  update<T>(channel: string, key: string, version: number, fn: () => Promise<T>): Promise<T> {
    const lane = this.lane(channel);
    const pending = lane.items.find((i) => i.key === key);
    if (pending !== undefined) {
      if (version >= (pending.version ?? Number.NEGATIVE_INFINITY)) {
        pending.run = fn;
        pending.version = version;
      }
      return new Promise<T>((resolve, reject) => {
        pending.waiters.push({ resolve: resolve as (v: unknown) => void, reject });
      });
    }
    return this.enqueue<T>(channel, { run: fn, waiters: [], key, version, rateLimitedTimes: 0, queuedAt: this.nowMs() });
  }

  /** Items waiting (not started) in one channel. */
  depth(channel: string): number {
    return this.lanes.get(channel)?.items.length ?? 0;
  }

  /** The channel is paused by a Retry-After until this time (ms since epoch), or 0. */
  pausedUntil(channel: string): number {
    return this.lanes.get(channel)?.pausedUntil ?? 0;
  }

  /** Fails everything still queued with a retryable error and stops pumping. */
  stop(): void {
    this.stopped = true;
    this.stopping.abort(new DeliveryError('Slack queue stopped before sending', 'retry'));
    for (const lane of this.lanes.values()) {
      const items = lane.items.splice(0);
      for (const item of items) {
        for (const w of item.waiters) w.reject(new DeliveryError('Slack queue stopped before sending', 'retry'));
      }
    }
  }

  private enqueue<T>(channel: string, item: Item): Promise<T> {
    if (this.stopped) return Promise.reject(new DeliveryError('Slack queue is stopped', 'retry'));
    const lane = this.lane(channel);
    const promise = new Promise<T>((resolve, reject) => {
      item.waiters.push({ resolve: resolve as (v: unknown) => void, reject });
    });
    const firstOrdinary = item.urgent ? lane.items.findIndex((i) => !i.urgent) : -1;
    if (firstOrdinary >= 0) lane.items.splice(firstOrdinary, 0, item);
    else lane.items.push(item);
    void this.drain(channel, lane);
    return promise;
  }

  private lane(channel: string): Lane {
    let lane = this.lanes.get(channel);
    if (lane === undefined) {
      lane = { items: [], busy: false, pausedUntil: 0 };
      this.lanes.set(channel, lane);
    }
    return lane;
  }

  /**
   * Sends the channel's items one at a time, each once the pace allows. The
   * item is picked only when its turn comes, so an urgent item or a newer
   * update queued during the wait is the one that goes.
   */
  private nowMs(): number {
    return this.options.time.now().getTime();
  }

  private async drain(channel: string, lane: Lane): Promise<void> {
    if (lane.busy) return;
    lane.busy = true;
    try {
      while (!this.stopped && lane.items.length > 0) {
        if (!this.pacer.tryTake(channel)) {
          try {
            await this.pacer.acquire(channel, this.stopping.signal);
          } catch {
            return; // stopped while waiting: stop() has failed what was queued
          }
        }
        // The oldest card goes before the answers queued ahead of it once it has waited its limit.
        const now = this.nowMs();
        const starved =
          lane.items[0]?.urgent === true ? lane.items.findIndex((i) => !i.urgent && now - i.queuedAt >= CARD_MAX_WAIT_MS) : -1;
        const item = starved > 0 ? lane.items.splice(starved, 1)[0] : lane.items.shift();
        if (this.stopped || item === undefined) return;
        await this.runItem(channel, lane, item);
      }
    } finally {
      lane.busy = false;
    }
  }

  private async runItem(channel: string, lane: Lane, item: Item): Promise<void> {
    try {
      const value = await item.run();
      for (const w of item.waiters) w.resolve(value);
    } catch (err) {
      const retryAfterMs = this.options.rateLimitOf(err);
      if (retryAfterMs === undefined) {
        for (const w of item.waiters) w.reject(err);
        return;
      }
      this.rateLimitedCount += 1;
      // Slack refused the call (nothing was posted): the whole channel waits out Retry-After.
      this.pacer.pause(channel, retryAfterMs);
      lane.pausedUntil = this.options.time.now().getTime() + retryAfterMs;
      item.rateLimitedTimes += 1;
      if (item.rateLimitedTimes <= this.options.maxInlineRetries && retryAfterMs <= this.options.maxInlineWaitMs && !this.stopped) {
        lane.items.unshift(item);
        return;
      }
      for (const w of item.waiters) {
        w.reject(new DeliveryError(`Slack rate limit; retry after ${Math.ceil(retryAfterMs / 1000)}s`, 'retry', retryAfterMs));
      }
    }
  }
}
