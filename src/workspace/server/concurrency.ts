import { HttpError } from './errors';

/**
 * Log Analytics' per-user query concurrency (Azure Monitor service limits):
 * five queries run at once per user; the rest wait in a queue; one that waits
 * longer than 3 minutes, or arrives when 200 are queued, is refused with 429.
 */
export interface ConcurrencyLimits {
  running: number;
  queueTimeoutMs: number;
  maxQueued: number;
}

export const SERVICE_CONCURRENCY: ConcurrencyLimits = { running: 5, queueTimeoutMs: 3 * 60_000, maxQueued: 200 };

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export class IdentitySlots {
  private readonly running = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();

  constructor(private readonly limits: ConcurrencyLimits) {}

  /** Resolves with a release function once `identity` may run a query; rejects with a 429 HttpError. */
  acquire(identity: string): Promise<() => void> {
    const release = (): void => this.release(identity);
    if ((this.running.get(identity) ?? 0) < this.limits.running) {
      this.running.set(identity, (this.running.get(identity) ?? 0) + 1);
      return Promise.resolve(once(release));
    }
    const queue = this.queues.get(identity) ?? [];
    if (queue.length >= this.limits.maxQueued) {
      return Promise.reject(new HttpError(429, 'ThrottledError', `too many queries queued for this user (${this.limits.maxQueued})`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve(once(release));
        },
        timer: setTimeout(() => {
          const q = this.queues.get(identity) ?? [];
          const at = q.indexOf(waiter);
          if (at >= 0) q.splice(at, 1);
          reject(
            new HttpError(
              429,
              'ThrottledError',
              `the query waited more than ${Math.round(this.limits.queueTimeoutMs / 1000)} s for one of this user's ${this.limits.running} concurrent query slots`,
            ),
          );
        }, this.limits.queueTimeoutMs),
      };
      waiter.timer.unref?.();
      queue.push(waiter);
      this.queues.set(identity, queue);
    });
  }

  private release(identity: string): void {
    const next = this.queues.get(identity)?.shift();
    // The slot passes straight to the next in line.
    if (next !== undefined) next.start();
    else this.running.set(identity, Math.max(0, (this.running.get(identity) ?? 1) - 1));
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
