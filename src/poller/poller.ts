import type { Alert, NewAlert } from '../alerts/types';
import { buildRunQuery, hitToAlert, triggerFires } from '../detections';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import type { AlertStore } from '../store/alert-store';
import type { DeliveryTarget } from '../delivery/types';
import type { QuerySource } from '../workspace/query-source';
import { enricherFor } from './enrichment';
import { systemClock, type Clock } from '../time/clock';
import type { QueryLimiter } from './query-limiter';

/** One workspace to poll, and where its alerts go. */
export interface WorkspaceBinding {
  name: string;
  source: QuerySource;
  targets: DeliveryTarget[];
}

export interface PollerOptions {
  store: Pick<AlertStore, 'getWatermark' | 'recordPoll'>;
  workspaces: WorkspaceBinding[];
  logger: Logger;
  clock?: Clock;
  /** Each window starts this long before the last one ended; the fingerprint makes the overlap harmless. */
  overlapMs: number;
  /** Extra TimeGenerated look-back for rows that arrive late. */
  delayAllowanceMs: number;
  /** First run of a rule (no watermark yet): how far back by ingestion time. Default: queryPeriod + delay allowance. */
  firstRunLookbackMs?: number;
  /**
   * With a limiter, a detection runs over every workspace at once and each
   * workspace's queries (the rule's and its enrichment's) go through it; without
   * one, the workspaces are polled one after another.
   */
  limiter?: QueryLimiter;
  /** Called with the alerts a poll stored, after the transaction committed. */
  onNewAlerts?: (alerts: Alert[]) => void;
}

export interface PollOutcome {
  detectionId: string;
  workspace: string;
  ok: boolean;
  window: { start: Date; end: Date };
  /** Rows the query returned. */
  hits: number;
  /** Alerts stored by this poll (not seen before). */
  created: Alert[];
  /** Dry runs only: the alerts that would have been stored (before dedup). */
  candidates?: NewAlert[];
  error?: string;
  durationMs: number;
}

/**
 * One run of one detection over one workspace: query the ingestion window,
 * enrich, then store new alerts, queue their deliveries and advance the
 * watermark in one transaction. Any failure changes nothing; the next run
 * covers the same window again.
 */
export class Poller {
  private readonly clock: Clock;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async runDetection(detection: Detection, opts: { dryRun?: boolean } = {}): Promise<PollOutcome[]> {
    const limiter = this.options.limiter;
    if (limiter !== undefined) {
      // Each workspace keeps its own watermark, so one failing or waiting never holds back another's store.
      return Promise.all(
        this.options.workspaces.map((w) => this.runOne(detection, { ...w, source: limiter.wrap(w.source) }, opts.dryRun === true)),
      );
    }
    const outcomes: PollOutcome[] = [];
    for (const workspace of this.options.workspaces) {
      outcomes.push(await this.runOne(detection, workspace, opts.dryRun === true));
    }
    return outcomes;
  }

  private async runOne(detection: Detection, workspace: WorkspaceBinding, dryRun: boolean): Promise<PollOutcome> {
    const started = Date.now();
    const { store, logger } = this.options;
    const log = logger.child({ detection: detection.slug, workspace: workspace.name });
    const end = this.clock();
    const watermark = await store.getWatermark(workspace.name, detection.id);
    const start = this.windowStart(detection, watermark, end);
    const outcome: PollOutcome = {
      detectionId: detection.id,
      workspace: workspace.name,
      ok: false,
      window: { start, end },
      hits: 0,
      created: [],
      durationMs: 0,
    };
    try {
      const run = buildRunQuery(detection, { ingestStart: start, ingestEnd: end }, { delayAllowanceMs: this.options.delayAllowanceMs });
      const result = await workspace.source.query(run.query, run.timespan);
      outcome.hits = result.rows.length;
      let alerts = triggerFires(detection, result.rows.length)
        ? result.rows.map((row) => hitToAlert(detection, row, workspace.name))
        : [];
      alerts = uniqueByFingerprint(alerts);
      if (alerts.length > 0 && detection.firstwatch.enrichment !== undefined) {
        alerts = await enricherFor(detection.firstwatch.enrichment).enrich(alerts, workspace.source);
      }
      if (dryRun) {
        outcome.candidates = alerts;
      } else {
        outcome.created = await store.recordPoll({
          workspace: workspace.name,
          detectionId: detection.id,
          watermark: end,
          alerts,
          targets: workspace.targets,
        });
        if (outcome.created.length > 0) this.options.onNewAlerts?.(outcome.created);
      }
      outcome.ok = true;
      log.info(
        { hits: outcome.hits, created: outcome.created.length, window: { start, end }, dryRun },
        'poll finished',
      );
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
      log.error({ error: outcome.error, window: { start, end } }, 'poll failed; nothing stored, the next run retries this window');
    }
    outcome.durationMs = Date.now() - started;
    return outcome;
  }

  private windowStart(detection: Detection, watermark: Date | undefined, end: Date): Date {
    const lookback = this.options.firstRunLookbackMs ?? detection.queryPeriodMs + this.options.delayAllowanceMs;
    const from = watermark === undefined ? end.getTime() - lookback : watermark.getTime() - this.options.overlapMs;
    // A watermark ahead of this clock (another host's clock) must not produce an empty or inverted window.
    return new Date(Math.min(from, end.getTime() - 1000));
  }
}

function uniqueByFingerprint(alerts: NewAlert[]): NewAlert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => {
    if (seen.has(a.fingerprint)) return false;
    seen.add(a.fingerprint);
    return true;
  });
}
