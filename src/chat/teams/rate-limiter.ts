import { createHash } from 'node:crypto';
import { Pacer, SlidingWindows, type RateWindow } from '../../delivery/pacing';
import { systemTime, type Timekeeper } from '../../time/clock';

export type { RateWindow } from '../../delivery/pacing';

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

/**
 * One FIFO per conversation that lets a send through only when every window
 * still has room. A 429's Retry-After pauses the whole conversation, not just
 * the call that got it.
 */
export class ThreadRateLimiter extends Pacer<SlidingWindows> {
  constructor(windows: readonly RateWindow[] = TEAMS_THREAD_LIMITS, time: Timekeeper = systemTime) {
    if (windows.length === 0) throw new Error('ThreadRateLimiter needs at least one window');
    // Built once here so a window that makes no sense fails at start, not at the first send.
    new SlidingWindows(windows);
    super(() => new SlidingWindows(windows), time);
  }

  /** Sends counted for `key` within the last `windowMs` (for logs and tests). */
  sentWithin(key: string, windowMs: number): number {
    return this.paceOf(key)?.sentWithin(this.nowMs(), windowMs) ?? 0;
  }
}

/**
 * The store key a thread's shared budget is counted under. Conversation ids can be long
 * (personal chats run past 150 characters), so long ones are hashed to stay within the
 * store's key limit; the same thread always maps to the same key.
 */
export function sharedBudgetKey(thread: string): string {
  const key = `teams:${thread}`;
  return key.length <= 120 ? key : `teams#${createHash('sha256').update(thread).digest('hex')}`;
}
