import { DeliveryError } from '../../delivery/chat-platform';

export interface ChannelQueueOptions {
  /** Sustained messages per second per channel (Slack: about 1). */
  ratePerSecond: number;
  /** Messages a quiet channel may send back to back. */
  burst: number;
  /** A 429 whose Retry-After is at most this long is waited out and the call retried in place. */
  maxInlineWaitMs: number;
  /** How many 429s one call may wait out before it is handed back as a DeliveryError('retry'). */
  maxInlineRetries: number;
  /** Returns the Retry-After (ms) when the error is a rate-limit answer, else undefined. */
  rateLimitOf: (err: unknown) => number | undefined;
}

export const DEFAULT_QUEUE_OPTIONS: Omit<ChannelQueueOptions, 'rateLimitOf'> = {
  ratePerSecond: 1,
  burst: 3,
  maxInlineWaitMs: 30_000,
  maxInlineRetries: 3,
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
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  busy: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * One FIFO per Slack channel, paced by a token bucket, paused by Retry-After.
 * Slack's limit on chat.postMessage is per channel, so one busy channel never
 * holds back another.
 */
export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly options: ChannelQueueOptions;
  private stopped = false;
  /** How many 429s were answered, for logs and tests. */
  rateLimitedCount = 0;

  constructor(options: Partial<ChannelQueueOptions> & Pick<ChannelQueueOptions, 'rateLimitOf'>) {
    this.options = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    if (!(this.options.ratePerSecond > 0)) throw new Error('ChannelQueue: ratePerSecond must be > 0');
    if (!(this.options.burst >= 1)) throw new Error('ChannelQueue: burst must be >= 1');
  }

  /**
   * Runs `fn` in the channel's turn (new messages, thread replies). `urgent`:
   * a person is waiting on this message (a hunt's answer), so it goes ahead of
   * every queued message that is not urgent, still paced by the same bucket;
   * during a burst of clicks it does not wait behind every redrawn card.
   */
  post<T>(channel: string, fn: () => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> {
    return this.enqueue<T>(channel, { run: fn, waiters: [], rateLimitedTimes: 0, urgent: options.urgent === true, queuedAt: Date.now() });
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
    return this.enqueue<T>(channel, { run: fn, waiters: [], key, version, rateLimitedTimes: 0, queuedAt: Date.now() });
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
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
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
    this.pump(lane);
    return promise;
  }

  private lane(channel: string): Lane {
    let lane = this.lanes.get(channel);
    if (lane === undefined) {
      lane = { items: [], tokens: this.options.burst, refilledAt: Date.now(), pausedUntil: 0, busy: false };
      this.lanes.set(channel, lane);
    }
    return lane;
  }

  private refill(lane: Lane, now: number): void {
    const elapsed = Math.max(0, now - lane.refilledAt);
    lane.tokens = Math.min(this.options.burst, lane.tokens + (elapsed / 1000) * this.options.ratePerSecond);
    lane.refilledAt = now;
  }

  private wakeLater(lane: Lane, ms: number): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.pump(lane);
    }, Math.max(1, Math.ceil(ms)));
  }

  private pump(lane: Lane): void {
    if (this.stopped || lane.busy || lane.items.length === 0) return;
    const now = Date.now();
    if (now < lane.pausedUntil) {
      this.wakeLater(lane, lane.pausedUntil - now);
      return;
    }
    this.refill(lane, now);
    if (lane.tokens < 1) {
      this.wakeLater(lane, ((1 - lane.tokens) / this.options.ratePerSecond) * 1000);
      return;
    }
    lane.tokens -= 1;
    // The oldest card goes before the answers queued ahead of it once it has waited its limit.
    const starved = lane.items[0]?.urgent === true ? lane.items.findIndex((i) => !i.urgent && now - i.queuedAt >= CARD_MAX_WAIT_MS) : -1;
    const item = (starved > 0 ? lane.items.splice(starved, 1)[0] : lane.items.shift()) as Item;
    lane.busy = true;
    void this.runItem(lane, item).finally(() => {
      lane.busy = false;
      this.pump(lane);
    });
  }

  private async runItem(lane: Lane, item: Item): Promise<void> {
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
      lane.pausedUntil = Date.now() + retryAfterMs;
      lane.tokens = Math.min(lane.tokens, 0);
      lane.refilledAt = lane.pausedUntil;
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
