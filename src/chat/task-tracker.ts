import { within } from '../time/timeout';
import { TurnGate } from './turn-gate';

/** Work that outlives the interaction that started it (the slow halves of clicks and commands), so stop() can let it finish. */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();
  /** Deferred starts, one per event-loop turn (afterWaitingIo). */
  private readonly starts = new TurnGate();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /**
   * Starts `work` after the event loop has handled the I/O already waiting,
   * one deferred start per loop turn, and tracks it. Acknowledgements have a
   * deadline (Slack's 3 s) and slow halves do not: under a burst every waiting
   * request is acknowledged in the poll phase between two starts, instead of
   * queueing behind every slow half that arrived before it.
   */
  afterWaitingIo<T>(work: () => Promise<T>): Promise<T> {
    return this.track(this.starts.turn().then(work));
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when everything started so far has settled, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    await within(Promise.allSettled([...this.running]), timeoutMs);
  }
}
