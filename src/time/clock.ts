import { setTimeout as delay } from 'node:timers/promises';

/**
 * What time it is. Every part that reads the time takes one, so a test can set
 * the time instead of waiting for it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Waits `ms`; rejects with the signal's reason if it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await delay(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal });
};

/** A clock and a way to wait on it, for the parts that pace or retry. */
export interface Timekeeper {
  now: Clock;
  sleep: Sleep;
}

export const systemTime: Timekeeper = { now: systemClock, sleep: realSleep };
