import { toBlindView } from '../cards/blind-view';
import type { Logger } from '../logging/logger';
import type { BlindSpellStore } from '../store/blind-spell-store';
import { systemClock, type Clock } from '../time/clock';
import type { ChatPlatform } from './chat-platform';
import type { ChatPlatformName, DeliveryTarget } from './types';

/** What one poll says about a detection's sight of its window in one workspace. */
export type Sight =
  | { workspace: string; blind: false }
  | { workspace: string; blind: true; reason: string; window: { start: Date; end: Date } }
  /** Stopped by a shutdown: says nothing either way. */
  | { workspace: string; blind: undefined };

/** The detection as the report needs it. */
export interface BlindDetection {
  id: string;
  slug: string;
  name: string;
  queryFrequencyMs: number;
}

export interface BlindReportsOptions {
  store: BlindSpellStore;
  platforms: Partial<Record<ChatPlatformName, ChatPlatform>>;
  /** The alert channels of a workspace. */
  targetsOf: (workspace: string) => readonly DeliveryTarget[];
  logger: Logger;
  clock?: Clock;
  /** How long each detection has been blind (0 when it sees again), for /metrics. */
  onBlind?: (detection: string, workspace: string, blindMs: number) => void;
  /** A report went out to `posted` channels (or to none). */
  onReport?: (detection: string, workspace: string, posted: number) => void;
}

/**
 * Tells the alert channels when a detection has not been able to read (part
 * of) its window for longer than its frequency: once per blind spell, whoever
 * polls (the mark is taken in the shared store before anything is posted), and
 * again only after a poll has read a whole window and a new spell began.
 */
export class BlindReports {
  private readonly clock: Clock;

  constructor(private readonly options: BlindReportsOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async observe(detection: BlindDetection, sights: readonly Sight[]): Promise<void> {
    for (const sight of sights) {
      try {
        await this.observeOne(detection, sight);
      } catch (err) {
        // The report is a side note of the poll: its failure is logged and tried again next poll.
        this.options.logger.warn(
          { detection: detection.slug, workspace: sight.workspace, error: err instanceof Error ? err.message : String(err) },
          'could not record or report a blind detection',
        );
      }
    }
  }

  private async observeOne(detection: BlindDetection, sight: Sight): Promise<void> {
    const { store, logger } = this.options;
    const log = logger.child({ detection: detection.slug, workspace: sight.workspace });
    if (sight.blind === undefined) return;
    if (!sight.blind) {
      const ended = await store.endBlind(sight.workspace, detection.id);
      this.options.onBlind?.(detection.slug, sight.workspace, 0);
      if (ended !== undefined)
        log.info({ since: ended.since, reported: ended.reportedAt !== undefined }, 'detection reads its whole window again');
      return;
    }
    const now = this.clock();
    const spell = await store.noteBlind(sight.workspace, detection.id, now, sight.reason);
    const blindMs = Math.max(0, now.getTime() - spell.since.getTime());
    this.options.onBlind?.(detection.slug, sight.workspace, blindMs);
    if (blindMs < detection.queryFrequencyMs || spell.reportedAt !== undefined) return;
    if (!(await store.markBlindReported(sight.workspace, detection.id, now))) return;

    const view = toBlindView({
      detection,
      workspace: sight.workspace,
      since: spell.since,
      now,
      reason: sight.reason,
      window: sight.window,
    });
    let posted = 0;
    let tried = 0;
    for (const target of this.options.targetsOf(sight.workspace)) {
      const platform = this.options.platforms[target.platform];
      if (platform?.postBlind === undefined) continue;
      tried++;
      try {
        await platform.postBlind(target.target, view);
        posted++;
      } catch (err) {
        log.warn({ target, error: err instanceof Error ? err.message : String(err) }, 'could not post the blind-detection report');
      }
    }
    // No channel took it: the next blind poll tries again rather than the spell going unsaid.
    if (tried > 0 && posted === 0) await store.unmarkBlindReported(sight.workspace, detection.id);
    this.options.onReport?.(detection.slug, sight.workspace, posted);
    log.error(
      { since: spell.since, blindMs, reason: sight.reason, posted },
      'detection blind for longer than its frequency: its hits are not alerted until it can read its window',
    );
  }
}
