import type { AnswersOwed } from './answers-owed';

/** Waiting callers go only while no interaction request is being answered (AnswersOwed.busy), or once they have waited `maxHoldMs`. */
export interface AnswersFirst {
  answers: AnswersOwed;
  maxHoldMs: number;
}

interface Waiter {
  go: () => void;
  since: number;
}

/**
 * Lets waiting callers go one per event-loop turn, oldest first. Between two
 * of them the loop runs its timers and reads the I/O that is waiting, so a
 * burst of requests that arrived together is handled as a queue of short
 * slices instead of one long stretch that holds everything else up. With
 * `answersFirst`, each caller also waits while the requests read in those
 * turns are being answered.
 */
export class TurnGate {
  private readonly waiting: Waiter[] = [];

  constructor(private readonly answersFirst?: AnswersFirst) {}

  /** Resolves on a later turn of the event loop, after every caller that asked before. */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push({ go: resolve, since: performance.now() });
      if (this.waiting.length === 1) setImmediate(this.next);
    });
  }

  // An immediate queued while immediates run waits for the next turn: one caller per turn.
  private readonly next = (): void => {
    const head = this.waiting[0];
    if (head === undefined) return;
    const hold = this.answersFirst;
    if (hold !== undefined && hold.answers.busy()) {
      const left = hold.maxHoldMs - (performance.now() - head.since);
      if (left > 0) {
        void hold.answers.settled(left).then(() => setImmediate(this.next));
        return;
      }
    }
    this.waiting.shift();
    head.go();
    if (this.waiting.length > 0) setImmediate(this.next);
  };
}
