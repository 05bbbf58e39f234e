import type { Clock, Sleep, Timekeeper } from '../../src/time/clock';

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * A clock on which sleeps wait until the test moves time past them, so many
 * concurrent waits (queries in flight, a limiter's wake-ups) keep their order
 * and cost no real time.
 */
export class VirtualTime implements Timekeeper {
  t: number;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2026-12-01T00:00:00Z')) {
    this.t = start;
  }

  now: Clock = () => new Date(this.t);

  sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = { at: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });

  /** Moves time forward by `ms`, firing each due sleep in time order and letting its continuations run. */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > until) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    this.t = until;
    await settle();
  }

  /** Moves time to the next pending sleep and fires it; false when none is pending. */
  async step(): Promise<boolean> {
    await settle();
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers[0];
    if (next === undefined) return false;
    await this.advance(next.at - this.t);
    return true;
  }

  get pending(): number {
    return this.timers.length;
  }
}

/** Lets every queued promise continuation run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
