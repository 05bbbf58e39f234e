/**
 * Fair use: at most `perWindow` hunts per person in any `windowMs` (a sliding
 * window of start times), so one responder cannot fill the query budget or
 * the channel. Time comes from the caller's clock.
 */
export class PerUserHuntLimit {
  private readonly starts = new Map<string, number[]>();

  constructor(
    readonly perWindow: number,
    readonly windowMs = 60_000,
    /** People remembered at once; the least recent is forgotten beyond it. */
    private readonly maxPeople = 10_000,
  ) {
    if (!Number.isInteger(perWindow) || perWindow < 1) throw new Error(`perWindow must be a whole number ≥ 1, got ${perWindow}`);
  }

  /** Counts a hunt for `who` at `now`, or says how long until one is allowed (nothing counted). */
  take(who: string, now: number): { ok: true } | { ok: false; retryInMs: number } {
    const recent = (this.starts.get(who) ?? []).filter((t) => t > now - this.windowMs && t <= now);
    if (recent.length >= this.perWindow) {
      this.starts.set(who, recent);
      return { ok: false, retryInMs: Math.max(1, (recent[0] as number) + this.windowMs - now) };
    }
    recent.push(now);
    this.starts.delete(who);
    this.starts.set(who, recent);
    if (this.starts.size > this.maxPeople) {
      const oldest = this.starts.keys().next().value;
      if (oldest !== undefined) this.starts.delete(oldest);
    }
    return { ok: true };
  }
}
