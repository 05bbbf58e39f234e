/**
 * How many refusals of one actor are written to the audit log one by one: a
 * flood of refused attempts must not fill the store. Past the budget they are
 * counted, and the next line written for that actor says how many were not.
 */
export class RefusalBudget {
  private readonly windows = new Map<string, { start: number; used: number; dropped: number }>();

  constructor(
    private readonly perWindow = 30,
    private readonly windowMs = 60_000,
    /** Actors remembered at once; the oldest window is forgotten beyond it. */
    private readonly maxActors = 10_000,
  ) {}

  /** undefined: do not write this one. Otherwise how many were left unwritten before it. */
  take(actorKey: string, now: number): { dropped: number } | undefined {
    let w = this.windows.get(actorKey);
    if (w === undefined || now - w.start >= this.windowMs || now < w.start) {
      const dropped = w?.dropped ?? 0;
      this.windows.delete(actorKey);
      w = { start: now, used: 0, dropped };
      this.windows.set(actorKey, w);
      if (this.windows.size > this.maxActors) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
    }
    if (w.used >= this.perWindow) {
      w.dropped++;
      return undefined;
    }
    w.used++;
    const dropped = w.dropped;
    w.dropped = 0;
    return { dropped };
  }
}
