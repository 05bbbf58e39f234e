/** How long after the last request arrived a burst is taken to be over: a burst's requests arrive a few ms apart. */
const BURST_QUIET_MS = 20;

/**
 * The interaction requests (Slack events, Teams activities) received and not
 * yet answered. Work that can wait, the slow halves of clicks and commands,
 * starts once nothing is owed and no request has arrived for BURST_QUIET_MS,
 * or once it has waited its longest: under a burst every acknowledgement
 * leaves before the slow halves take the event loop (the requests of a burst
 * arrive over tens of ms, and between two of them nothing may be owed), and
 * under a load that never pauses each slow half is late by at most that much.
 */
export class AnswersOwed {
  private count = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private readonly onNoneOwed = new Set<() => void>();

  constructor(private readonly quietMs = BURST_QUIET_MS) {}

  /** Counts one request as owed; the returned function marks it answered (calling it again does nothing). */
  begin(): () => void {
    this.count++;
    this.lastArrival = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count--;
      if (this.count === 0) for (const wake of [...this.onNoneOwed]) wake();
    };
  }

  get owed(): number {
    return this.count;
  }

  /** Whether requests are being answered: one is owed, or one arrived within the quiet time. */
  busy(): boolean {
    return this.count > 0 || performance.now() - this.lastArrival < this.quietMs;
  }

  /** Resolves once no request is owed and none has arrived for the quiet time, or after `maxWaitMs` at most. */
  settled(maxWaitMs: number): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let quietTimer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(limit);
        clearTimeout(quietTimer);
        this.onNoneOwed.delete(check);
        resolve();
      };
      const check = (): void => {
        clearTimeout(quietTimer);
        quietTimer = undefined;
        if (this.count > 0) {
          this.onNoneOwed.add(check);
          return;
        }
        this.onNoneOwed.delete(check);
        const left = this.quietMs - (performance.now() - this.lastArrival);
        if (left <= 0) done();
        else quietTimer = setTimeout(check, Math.ceil(left));
      };
      const limit = setTimeout(done, maxWaitMs);
      check();
    });
  }
}
