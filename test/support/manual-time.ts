import type { Clock, Sleep, Timekeeper } from '../../src/time/clock';

/**
 * A clock that only moves when someone sleeps on it (or the test moves it):
 * waits cost no real time, and every wait is recorded.
 */
export class ManualTime implements Timekeeper {
  /** Milliseconds since the epoch. */
  t: number;
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now: Clock = () => new Date(this.t);

  sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  };

  advance(ms: number): void {
    this.t += ms;
  }
}
