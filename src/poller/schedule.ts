import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger';

export interface ScheduledJob {
  name: string;
  cron: string;
  run: () => Promise<void>;
}

/**
 * Runs each job on its cron expression, plus one catch-up run at start.
 * A job never overlaps itself: a tick that finds it still running is skipped
 * (the next run's window covers what the skipped one would have).
 */
export class Schedule {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly logger: Logger,
  ) {
    for (const job of jobs) {
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression '${job.cron}'`);
    }
  }

  /** Schedules every job and starts the catch-up runs; resolves once those have finished. */
  async start(): Promise<void> {
    for (const job of this.jobs) {
      const task = cron.schedule(job.cron, () => this.trigger(job), { name: job.name });
      this.tasks.push(task);
    }
    await Promise.all(this.jobs.map((job) => this.trigger(job)));
  }

  /** Runs a job now unless it is already running; resolves when that run ends. */
  trigger(job: ScheduledJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const current = this.running.get(job.name);
    if (current !== undefined) {
      this.logger.warn({ job: job.name }, 'previous run still in progress; tick skipped');
      return current;
    }
    const run = job
      .run()
      .catch((err: unknown) => this.logger.error({ job: job.name, err }, 'scheduled run failed'))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  nextRuns(name: string, count: number): Date[] {
    const i = this.jobs.findIndex((j) => j.name === name);
    return i >= 0 && this.tasks[i] !== undefined ? this.tasks[i].getNextRuns(count) : [];
  }

  /** Stops the ticks and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    // destroy() may or may not return a promise, depending on the task kind.
    await Promise.all(this.tasks.map(async (t) => t.destroy()));
    await Promise.all(this.running.values());
  }
}
