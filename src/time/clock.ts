/**
 * What time it is. Every part that reads the time takes one, so a test can set
 * the time instead of waiting for it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Waits `ms`; rejects with the signal's reason if it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** On the global setTimeout (not timers/promises), so a test's fake timers move it too. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A clock and a way to wait on it, for the parts that pace or retry. */
export interface Timekeeper {
  now: Clock;
  sleep: Sleep;
}

export const systemTime: Timekeeper = { now: systemClock, sleep: realSleep };
