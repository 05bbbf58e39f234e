import type { Alert, NewAlert } from '../alerts/types';
import { hitToAlert, ruleWideFingerprintOf, triggerFires } from '../detections';
import { buildLateQuery } from '../detections/late-query';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import type { AlertStore } from '../store/alert-store';
import type { DeliveryTarget } from '../delivery/types';
import { QueryError, type QueryErrorKind, type QuerySource } from '../workspace/query-source';
import type { TableCatalog } from '../workspace/table-catalog';
import { enricherFor, type EnrichmentResult } from './enrichment';
import { systemClock, type Clock } from '../time/clock';
import { untilAborted, type TimeoutSignal } from '../time/timeout';
import { readWindow, type UnreadSpan } from './window-reader';
import type { QueryLimiter } from './query-limiter';
import type { CrossWorkspaceQueries } from './cross-workspace';
import { alertedUnderRuleWideFingerprint } from './earlier-fingerprints';

/** One workspace to poll, and where its alerts go. */
export interface WorkspaceBinding {
  name: string;
  source: QuerySource;
  targets: DeliveryTarget[];
}

export interface PollerOptions {
  store: Pick<AlertStore, 'getWatermark' | 'recordPoll' | 'findAlertsByFingerprint' | 'findAlertsAwaitingTarget' | 'fillTarget'>;
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
   * Rows ingested in the window but older than the look-back (ingestion-time rules only): one
   * more query per run finds the rule's hits among them. 'count' reports them; 'alert' alerts
   * them too. Absent: not looked for.
   */
  lateRows?: { mode: 'count' | 'alert'; scanMs: number };
  /**
   * With a limiter, a detection runs over every workspace at once and each
   * workspace's queries (the rule's and its enrichment's) go through it; without
   * one, the workspaces are polled one after another.
   */
  limiter?: QueryLimiter;
  /**
   * Runs a rule's query once over many workspaces (cross-workspace.ts) where their windows
   * agree, through its own limiter; the workspaces are polled at once, as with `limiter`.
   */
  crossWorkspace?: CrossWorkspaceQueries;
  /** Called with the alerts a poll stored, after the transaction committed. */
  onNewAlerts?: (alerts: Alert[]) => void;
  /** Called with alerts whose target a later run filled in (their cards need redrawing). */
  onTargetsFilled?: (alerts: Alert[]) => void;
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
  /** Each workspace's tables, so an enrichment whose table is missing says so without querying it. */
  tables?: TableCatalog;
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
  /** Dry runs only: what the run found, new or not (see `alreadyAlerted`). */
  candidates?: NewAlert[];
  /** Dry runs only: fingerprint → id of the stored alert, for candidates alerted before (a real run would not raise them again). */
  alreadyAlerted?: ReadonlyMap<string, string>;
  /** Hits among rows that arrived later than the look-back (when looked for), and whether they were alerted. */
  late?: { hits: number; alerted: boolean };
  /** Set when the rule's enrichment could not run: why (the alerts were stored without it). */
  enrichmentUnavailable?: string;
  /** Earlier alerts whose target this run filled in, once the enrichment could run again. */
  targetsFilled?: number;
  error?: string;
  /** What kind of failure, when the workspace gave one: a refused query ('bad-query') fails every run alike. */
  errorKind?: QueryErrorKind;
  /** The run was ended by a stop (shutdown), not by a failure. */
  stopped?: boolean;
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
    const spanning = this.options.crossWorkspace;
    if (spanning !== undefined) {
      // One end for all, so workspaces whose watermarks agree ask the same query and share it.
      const end = this.clock();
      return Promise.all(
        this.options.workspaces.map((w) => this.runOne(detection, { ...w, source: spanning.wrap(w.source) }, opts.dryRun === true, end)),
      );
    }
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

  private async runOne(detection: Detection, bound: WorkspaceBinding, dryRun: boolean, sharedEnd?: Date): Promise<PollOutcome> {
    const started = Date.now();
    const stop = this.options.signal;
    // Every query of the run (the rule's, the late rows', the enrichment's) ends when the app stops.
    const workspace = stop === undefined ? bound : { ...bound, source: stoppable(bound.source, stop) };
    const { store, logger } = this.options;
    const log = logger.child({ detection: detection.slug, workspace: workspace.name });
    const end = sharedEnd ?? this.clock();
    const watermark = await store.getWatermark(workspace.name, detection.id);
    const wanted = this.windowStart(detection, watermark, end);
    // By default the cap never cuts a first run's own window (look-back plus the lateness allowance).
    const firstRunMs = this.options.firstRunLookbackMs ?? detection.queryPeriodMs + this.options.delayAllowanceMs;
    const maxWindowMs = this.options.maxWindowMs ?? Math.max(DEFAULT_MAX_WINDOW_MS, firstRunMs);
    // A window that kept failing would grow without end: past the cap the oldest time is reported, not read.
    const start = end.getTime() - wanted.getTime() > maxWindowMs ? new Date(end.getTime() - maxWindowMs) : wanted;
    const capped: UnreadSpan[] =
      start.getTime() > wanted.getTime()
        ? [{ start: wanted, end: start, reason: `the window grew past its cap of ${Math.round(maxWindowMs / 60_000)} min` }]
        : [];
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
      const result = await readWindow(
        detection,
        workspace.source,
        { start, end },
        {
          queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
          splitFloorMs: this.options.splitFloorMs ?? DEFAULT_SPLIT_FLOOR_MS,
          deadline: this.clock().getTime() + budgetMs,
          now: () => this.clock().getTime(),
          runQuery: { delayAllowanceMs: this.options.delayAllowanceMs },
          ...(this.options.timeout ? { timeout: this.options.timeout } : {}),
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        },
      );
      // Warnings alone (a fuzzy union leg missing, say) leave the rows complete: said, not fatal.
      if (result.warnings.length > 0)
        log.warn(
          { warnings: [...new Set(result.warnings)], window: { start, end } },
          'the workspace answered with warnings; the rows are complete',
        );
      outcome.pieces = result.pieces;
      const unread = [...capped, ...result.unread];
      if (unread.length > 0) {
        outcome.unread = unread;
        for (const u of unread)
          log.error(
            { unread: { start: u.start, end: u.end }, reason: u.reason },
            'part of the window could not be read; its hits are not alerted',
          );
      }
      if (result.pieces > 1)
        log.info({ pieces: result.pieces, window: { start, end } }, 'window read in pieces after a query limit or timeout');
      let rows = result.rows;
      const late = await this.lateHits(detection, workspace, { ingestStart: start, ingestEnd: end }, watermark);
      if (late !== undefined) {
        const alerting = this.options.lateRows?.mode === 'alert';
        outcome.late = { hits: late.rows.length, alerted: alerting };
        if (late.rows.length > 0) {
          log.warn(
            { lateHits: late.rows.length, lookbackStart: late.lookbackStart, alerting },
            alerting
              ? 'hits among rows that arrived later than the look-back: alerted (LATE_ROWS=alert)'
              : 'hits among rows that arrived later than the look-back: not alerted (LATE_ROWS=count; raise INGESTION_DELAY_ALLOWANCE or set LATE_ROWS=alert)',
          );
          if (alerting) rows = [...rows, ...late.rows];
        }
      }
      outcome.hits = rows.length;
      const ruleWide = new Map<string, string>();
      let alerts = triggerFires(detection, rows.length)
        ? rows.map((row) => {
            const alert = hitToAlert(detection, row, workspace.name, end);
            ruleWide.set(alert.fingerprint, ruleWideFingerprintOf(detection, row));
            return alert;
          })
        : [];
      alerts = uniqueByFingerprint(alerts);
      // Rows alerted before fingerprints named the workspace are not alerted again.
      const alertedEarlier = await alertedUnderRuleWideFingerprint(store, detection.id, workspace.name, alerts, ruleWide);
      if (!dryRun && alertedEarlier.size > 0) alerts = alerts.filter((a) => !alertedEarlier.has(a.fingerprint));
      if (alerts.length > 0 && detection.firstwatch.enrichment !== undefined) {
        const enriched = await enrich(detection.firstwatch.enrichment, alerts, workspace.source, this.options.tables);
        alerts = enriched.alerts;
        if (enriched.unavailable !== undefined) {
          outcome.enrichmentUnavailable = enriched.unavailable;
          log.warn(
            { enrichment: detection.firstwatch.enrichment, reason: enriched.unavailable, alerts: alerts.length },
            'enrichment unavailable; alerts go out without it',
          );
        }
      }
      // A stop during enrichment leaves its alerts unmarked rather than stored half-enriched.
      stop?.throwIfAborted();
      if (dryRun) {
        outcome.candidates = alerts;
        const stored = await store.findAlertsByFingerprint(
          detection.id,
          alerts.map((a) => a.fingerprint),
        );
        outcome.alreadyAlerted = new Map([...alertedEarlier, ...stored.map((a): [string, string] => [a.fingerprint, a.id])]);
      } else {
        outcome.created = await store.recordPoll({
          workspace: workspace.name,
          detectionId: detection.id,
          watermark: end,
          alerts,
          targets: workspace.targets,
        });
        if (outcome.created.length > 0) this.options.onNewAlerts?.(outcome.created);
        if (outcome.enrichmentUnavailable === undefined) outcome.targetsFilled = await this.retryEnrichment(detection, workspace, log);
      }
      outcome.ok = true;
      log.info({ hits: outcome.hits, created: outcome.created.length, window: { start, end }, dryRun }, 'poll finished');
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
      if (stop?.aborted === true) {
        outcome.error = 'stopped: the app is shutting down';
        outcome.stopped = true;
        log.info({ window: { start, end } }, 'poll stopped at shutdown; nothing stored, the next run reads this window');
      } else {
        if (err instanceof QueryError) outcome.errorKind = err.kind;
        log.error(
          { error: outcome.error, kind: outcome.errorKind, window: { start, end } },
          outcome.errorKind === 'bad-query'
            ? 'poll failed: the workspace refused the query; nothing stored, and every run fails alike until the rule or the workspace changes'
            : 'poll failed; nothing stored, the next run retries this window',
        );
      }
    }
    outcome.durationMs = Date.now() - started;
    return outcome;
  }

  /**
   * Alerts posted while the enrichment could not run get their target now that it can; the
   * version bump redraws their cards. Best-effort: the poll itself is already stored.
   */
  private async retryEnrichment(detection: Detection, workspace: WorkspaceBinding, log: Logger): Promise<number> {
    const name = detection.firstwatch.enrichment;
    if (name === undefined) return 0;
    try {
      const waiting = await this.options.store.findAlertsAwaitingTarget(detection.id, workspace.name, RETRY_BATCH);
      if (waiting.length === 0) return 0;
      const result = await enrich(name, waiting, workspace.source, this.options.tables);
      if (result.unavailable !== undefined) return 0;
      const filled: Alert[] = [];
      for (const [i, alert] of waiting.entries()) {
        const target = result.alerts[i]?.target;
        const updated = target ? await this.options.store.fillTarget(alert.id, target) : undefined;
        if (updated !== undefined) filled.push(updated);
      }
      if (filled.length > 0) {
        log.info({ alerts: filled.map((a) => a.id) }, 'enrichment available again: targets filled in, cards redrawn');
        this.options.onTargetsFilled?.(filled);
      }
      return filled.length;
    } catch (err) {
      log.warn(
        { error: err instanceof Error ? err.message : String(err) },
        "could not fill in earlier alerts' targets; the next run tries again",
      );
      return 0;
    }
  }

  /** The late-row query's result, when configured and the rule has an ingestion window; a failure fails the run. */
  private async lateHits(
    detection: Detection,
    workspace: WorkspaceBinding,
    window: { ingestStart: Date; ingestEnd: Date },
    watermark: Date | undefined,
  ): Promise<{ rows: Record<string, unknown>[]; lookbackStart: Date } | undefined> {
    const setting = this.options.lateRows;
    if (setting === undefined) return undefined;
    const late = buildLateQuery(detection, window, {
      delayAllowanceMs: this.options.delayAllowanceMs,
      scanMs: setting.scanMs,
      countFrom: watermark,
    });
    if (late === undefined) return undefined;
    const result = await workspace.source.query(late.query, late.timespan);
    return { rows: result.rows, lookbackStart: late.lookbackStart };
  }

  private windowStart(detection: Detection, watermark: Date | undefined, end: Date): Date {
    const lookback = this.options.firstRunLookbackMs ?? detection.queryPeriodMs + this.options.delayAllowanceMs;
    const from = watermark === undefined ? end.getTime() - lookback : watermark.getTime() - this.options.overlapMs;
    // A watermark ahead of this clock (another host's clock) must not produce an empty or inverted window.
    return new Date(Math.min(from, end.getTime() - 1000));
  }
}

/** Enrichment never costs an alert: even a step that throws leaves every alert, marked. */
async function enrich(name: string, alerts: NewAlert[], source: QuerySource, tables?: TableCatalog): Promise<EnrichmentResult> {
  try {
    return await enricherFor(name).enrich(alerts, source, tables);
  } catch (err) {
    const unavailable = `${name} failed: ${err instanceof Error ? err.message : String(err)}`;
    return { alerts: alerts.map((a) => ({ ...a, target: { found: false, unavailable } })), unavailable };
  }
}

/** The same source, with every query also ended by `stop`. */
function stoppable(source: QuerySource, stop: AbortSignal): QuerySource {
  return {
    name: source.name,
    // Raced as well: a query still queued in the limiter (or paused by a 429) ends at once.
    query: (kql, timespan, options) =>
      untilAborted(
        source.query(kql, timespan, { signal: options?.signal === undefined ? stop : AbortSignal.any([options.signal, stop]) }),
        stop,
      ),
  };
}

/** Alerts whose target a run tries to fill in, at most. */
const RETRY_BATCH = 50;

function uniqueByFingerprint(alerts: NewAlert[]): NewAlert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => {
    if (seen.has(a.fingerprint)) return false;
    seen.add(a.fingerprint);
    return true;
  });
}
