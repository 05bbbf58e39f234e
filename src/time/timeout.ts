/** What `within` answers when the time ran out before the work settled. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** Makes the signal that ends a wait; injectable so tests can end it by hand. */
export type TimeoutSignal = (ms: number) => AbortSignal;

/** Real time: AbortSignal.timeout's timer never keeps the process alive on its own. */
export const realTimeout: TimeoutSignal = (ms) => AbortSignal.timeout(Math.max(0, ms));

/**
 * Settles like `work`, or rejects with the signal's reason once it aborts. The
 * work itself is not cancelled (pass the signal to it too where it can stop).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The work's value if it settles within `ms`, else TIMED_OUT (a failure of the work still rejects). */
export async function within<T>(work: Promise<T>, ms: number, timeout: TimeoutSignal = realTimeout): Promise<T | typeof TIMED_OUT> {
  if (timeout === realTimeout) return withinTimer(work, ms);
  const signal = timeout(ms);
  try {
    return await untilAborted(work, signal);
  } catch (err) {
    if (signal.aborted && err === signal.reason) return TIMED_OUT;
    throw err;
  }
}

/**
 * `within` on real time with a plain timer: the same answers, without an
 * AbortSignal and its listeners, which showed in the profile of a burst of
 * card clicks (each click waits on one). Unref'd, as AbortSignal.timeout is.
 */
function withinTimer<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
