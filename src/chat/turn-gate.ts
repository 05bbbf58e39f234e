/**
 * Lets waiting callers go one per event-loop turn, oldest first. Between two
 * of them the loop runs its timers and reads the I/O that is waiting, so a
 * burst of requests that arrived together is handled as a queue of short
 * slices instead of one long stretch that holds everything else up.
 */
export class TurnGate {
  private readonly waiting: (() => void)[] = [];

  /** Resolves on a later turn of the event loop, after every caller that asked before. */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) setImmediate(this.next);
    });
  }

  // An immediate queued while immediates run waits for the next turn: one caller per turn.
  private readonly next = (): void => {
    this.waiting.shift()?.();
    if (this.waiting.length > 0) setImmediate(this.next);
  };
}
