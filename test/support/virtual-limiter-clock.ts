import type { LimiterClock } from '../../src/chat/teams';

/**
 * A clock for rate limiters that only moves when someone waits on it: a wait moves
 * time forward at once, so the limits still hold, in order, and cost no real time.
 */
export class VirtualLimiterClock implements LimiterClock {
  private t: number;

  constructor(start = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.t += Math.max(0, ms);
    return Promise.resolve();
  }
}
