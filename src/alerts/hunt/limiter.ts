/**
 * At most `max` workspace queries at once (Log Analytics allows 5 concurrent queries per
 * identity and answers the sixth with 429), a bounded queue behind them, and nothing else.
 */
export const BUSY_MESSAGE = 'too many hunts in progress, try again in a minute';

export class BusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusyError';
  }
}

interface Waiter {
  /** false when the waiter gave up in the meantime (its slot goes to the next). */
  start: () => boolean;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly max: number,
    readonly maxQueued: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`maxConcurrency must be a whole number ≥ 1, got ${max}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new Error(`maxQueued must be a whole number ≥ 0, got ${maxQueued}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Whether `n` more tasks would fit (running or queued) right now. */
  canAccept(n: number): boolean {
    const free = Math.max(0, this.max - this.active);
    return this.waiting.length + Math.max(0, n - free) <= this.maxQueued;
  }

  /** Runs fn when a slot is free; an abort while queued rejects with the signal's reason. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(new BusyError(BUSY_MESSAGE));
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) {
            reject(signal.reason);
            return false;
          }
          this.active++;
          resolve();
          return true;
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    this.active--;
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (next.start()) return;
    }
  }
}
