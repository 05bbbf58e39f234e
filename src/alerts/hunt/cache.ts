/**
 * Identical hunts (same UPN and look-back) within a short time share one result; a hunt
 * still running is shared too, so ten clicks on the same button cost one query.
 */
export class ShortCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 200,
  ) {
    if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new Error(`cache time must be ≥ 0 ms, got ${ttlMs}`);
  }

  /** The cached or in-flight value, or undefined. */
  get(key: string, nowMs: number): Promise<T> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Remembers `value` until `ttlMs` after it settles; a rejected value is forgotten at once. */
  set(key: string, value: Promise<T>, now: () => number): void {
    if (this.ttlMs === 0) return;
    this.prune(now());
    // While in flight the entry never expires; its clock starts when it settles.
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.entries.set(key, entry);
    value.then(
      () => {
        if (this.entries.get(key) === entry) entry.expires = now() + this.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
  }

  private prune(nowMs: number): void {
    for (const [k, e] of this.entries) if (e.expires <= nowMs) this.entries.delete(k);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
