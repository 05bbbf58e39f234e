import type { Logger } from '../../logging/logger';

/** Work that outlives the turn that started it (hunts, card updates), so stop() can wait for it. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Starts `work` without awaiting it; a failure is logged, never thrown at the caller. */
  run(what: string, work: () => Promise<void>): void {
    const p: Promise<void> = Promise.resolve()
      .then(work)
      .catch((err: unknown) => {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, `Teams: ${what} failed`);
      })
      .finally(() => {
        this.running.delete(p);
      });
    this.running.add(p);
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
