import type { Alert, NewAlert } from '../alerts/types';
import { hitToAlert, triggerFires } from '../detections';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import type { AlertStore } from '../store/alert-store';
import type { DeliveryTarget } from '../delivery/types';
import type { QuerySource } from '../workspace/query-source';
import { enricherFor } from './enrichment';
import type { TimeoutSignal } from '../time/timeout';
import { readWindow, type UnreadSpan } from './window-reader';

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
  clock?: () => Date;
  /** Each window starts this long before the last one ended; the fingerprint makes the overlap harmless. */
  overlapMs: number;
  /** Extra TimeGenerated look-back for rows that arrive late. */
  delayAllowanceMs: number;
  /** First run of a rule (no watermark yet): how far back by ingestion time. Default: queryPeriod + delay allowance. */
  firstRunLookbackMs?: number;
  /** Called with the alerts a poll stored, after the transaction committed. */
  onNewAlerts?: (alerts: Alert[]) => void;
  /** Longest one query may take, the client's retries included, before it is abandoned; default 4 min. */
  queryTimeoutMs?: number;
  /** A window that hits a query limit or times out is split down to pieces of this size; default 5 min. */
  splitFloorMs?: number;
  /** The longest window one run reads; older unread time is reported, not read. Default 24 h. */
  maxWindowMs?: number;
  /** The share of a rule's frequency one run may spend querying; default 0.8. */
  budgetShare?: number;
  /** Makes the signal that abandons a query (tests end it by hand). */
  timeout?: TimeoutSignal;
  /** Aborts the queries in flight (shutdown). */
  signal?: AbortSignal;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 4 * 60_000;
export const DEFAULT_SPLIT_FLOOR_MS = 5 * 60_000;
export const DEFAULT_MAX_WINDOW_MS = 24 * 60 * 60_000;

export interface PollOutcome {
  detectionId: string;
  workspace: string;
  ok: boolean;
  window: { start: Date; end: Date };
  /** Rows the query returned. */
  hits: number;
  /** Queries it took (more than one when the window was split). */
  pieces?: number;
  /** Ingestion time this run could not read (over a limit at the smallest piece, or beyond the window cap): reported, never silently skipped. */
  unread?: UnreadSpan[];
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
  private readonly clock: () => Date;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async runDetection(detection: Detection, opts: { dryRun?: boolean } = {}): Promise<PollOutcome[]> {
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
    const wanted = this.windowStart(detection, watermark, end);
    const maxWindowMs = this.options.maxWindowMs ?? DEFAULT_MAX_WINDOW_MS;
    // A window that kept failing would grow without end: past the cap the oldest time is reported, not read.
    const start = end.getTime() - wanted.getTime() > maxWindowMs ? new Date(end.getTime() - maxWindowMs) : wanted;
    const capped: UnreadSpan[] =
      start.getTime() > wanted.getTime() ? [{ start: wanted, end: start, reason: `the window grew past its cap of ${Math.round(maxWindowMs / 60_000)} min` }] : [];
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
      const budgetMs = detection.queryFrequencyMs * (this.options.budgetShare ?? 0.8);
      const result = await readWindow(detection, workspace.source, { start, end }, {
        queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        splitFloorMs: this.options.splitFloorMs ?? DEFAULT_SPLIT_FLOOR_MS,
        deadline: this.clock().getTime() + budgetMs,
        now: () => this.clock().getTime(),
        runQuery: { delayAllowanceMs: this.options.delayAllowanceMs },
        ...(this.options.timeout ? { timeout: this.options.timeout } : {}),
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      // Warnings alone (a fuzzy union leg missing, say) leave the rows complete: said, not fatal.
      if (result.warnings.length > 0) log.warn({ warnings: [...new Set(result.warnings)], window: { start, end } }, 'the workspace answered with warnings; the rows are complete');
      outcome.pieces = result.pieces;
      const unread = [...capped, ...result.unread];
      if (unread.length > 0) {
        outcome.unread = unread;
        for (const u of unread) log.error({ unread: { start: u.start, end: u.end }, reason: u.reason }, 'part of the window could not be read; its hits are not alerted');
      }
      if (result.pieces > 1) log.info({ pieces: result.pieces, window: { start, end } }, 'window read in pieces after a query limit or timeout');
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
