import { ratelimited, type ApiResult } from './web-api/result';
import type { World } from './world';

/**
 * Slack's per-channel chat.postMessage limit: past `limit` posts in `windowMs` the channel
 * pauses for Retry-After, and a post inside a pause counts as a violation (a client that
 * did not wait).
 */
export class PostRateLimiter {
  private readonly postTimes = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly world: World) {}

  /** A 429 for this post, or undefined when it may go (and then it counts). */
  check(channel: string): ApiResult | undefined {
    const r = this.world.records;
    const limit = r.rateLimit;
    if (limit === undefined) return undefined;
    const now = Date.now();
    const until = this.pausedUntil.get(channel);
    if (until !== undefined && now < until) {
      r.rateLimitViolations += 1;
      return ratelimited(Math.max(1, Math.ceil((until - now) / 1000)));
    }
    const recent = (this.postTimes.get(channel) ?? []).filter((t) => now - t < limit.windowMs);
    if (recent.length >= limit.limit) {
      this.pausedUntil.set(channel, now + limit.retryAfterSec * 1000);
      this.postTimes.set(channel, []);
      return ratelimited(limit.retryAfterSec);
    }
    recent.push(now);
    this.postTimes.set(channel, recent);
    return undefined;
  }
}

/**
 * Slack's per-method tiers, counted for the whole workspace (every channel, every
 * client of the app): Tier 3 (chat.update among them) allows about 50 calls a
 * minute. Past the limit Slack answers HTTP 429 with Retry-After. Limits come
 * from `records.tierLimits` and are read on every call.
 */
export class TierLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly world: World) {}

  check(method: string): ApiResult | undefined {
    const limit = this.world.records.tierLimits[method];
    if (limit === undefined) return undefined;
    const now = this.world.records.now();
    const recent = (this.calls.get(method) ?? []).filter((t) => now - t < limit.windowMs);
    if (recent.length >= limit.limit) {
      this.world.records.rateLimitViolations += 1;
      const frees = (recent[0] ?? now) + limit.windowMs;
      this.calls.set(method, recent);
      return ratelimited(Math.max(1, Math.ceil((frees - now) / 1000)));
    }
    recent.push(now);
    this.calls.set(method, recent);
    return undefined;
  }
}
