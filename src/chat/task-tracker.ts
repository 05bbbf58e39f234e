/** Work that outlives the interaction that started it (the slow halves of clicks and commands), so stop() can let it finish. */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /**
   * Starts `work` once the event loop has handled the I/O already waiting
   * (setImmediate runs after the poll phase), and tracks it. Under a burst of
   * clicks every waiting request is acknowledged before any slow half begins,
   * instead of each slow half's first outbound call going ahead of the next ack.
   */
  afterWaitingIo<T>(work: () => Promise<T>): Promise<T> {
    return this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(work));
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when everything started so far has settled, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.running]).then(() => undefined), timeout]);
    if (timer) clearTimeout(timer);
  }
}
