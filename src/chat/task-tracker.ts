import { within } from '../time/timeout';
import type { AnswersOwed } from './answers-owed';
import { TurnGate } from './turn-gate';

/** The longest a deferred start waits for the answers owed (AnswersOwed); Slack's deadline is for the answers, not for this. */
const SLOW_HALF_MAX_HOLD_MS = 1_000;

/** Work that outlives the interaction that started it (the slow halves of clicks and commands), so stop() can let it finish. */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();
  /** Deferred starts, one per event-loop turn (afterWaitingIo). */
  private readonly starts: TurnGate;

  /** `answers`: the interaction requests not yet answered; deferred starts wait for them (up to SLOW_HALF_MAX_HOLD_MS). */
  constructor(answers?: AnswersOwed) {
    this.starts = new TurnGate(answers ? { answers, maxHoldMs: SLOW_HALF_MAX_HOLD_MS } : undefined);
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /**
   * Starts `work` one deferred start per loop turn, each once no interaction
   * request is waiting for its answer (or after SLOW_HALF_MAX_HOLD_MS), and
   * tracks it. Acknowledgements have a deadline (Slack's 3 s) and slow halves
   * do not: under a burst every request is acknowledged before the slow
   * halves start, instead of queueing behind those that arrived before it.
   * Requests still unread are not counted; the turns between starts read them.
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
