import type { Logger } from '../../logging/logger';
import type { AnswersOwed } from '../answers-owed';
import { TaskTracker } from '../task-tracker';

/** Work that outlives the turn that started it (hunts, card updates), so stop() can wait for it. */
export class BackgroundTasks extends TaskTracker {
  constructor(
    private readonly logger: Logger,
    answers?: AnswersOwed,
  ) {
    super(answers);
  }

  /** Starts `work` as a slow half (afterWaitingIo) without awaiting it; a failure is logged, never thrown at the caller. */
  run(what: string, work: () => Promise<void>): void {
    this.afterWaitingIo(work).catch((err: unknown) => {
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, `Teams: ${what} failed`);
    });
  }
}
