import { WINDOW_END, WINDOW_START } from './parse';
import type { Detection, TriggerOperator } from './types';

export interface IngestionWindow {
  ingestStart: Date;
  ingestEnd: Date;
}

export interface RunQueryOptions {
  /** Extra TimeGenerated look-back for late rows (config INGESTION_DELAY_ALLOWANCE). Default 0. */
  delayAllowanceMs?: number;
  /**
   * How far past ingestEnd the TimeGenerated range reaches, for sources whose clocks
   * run ahead (their TimeGenerated is later than their ingestion). The ingestion bound
   * keeps runs from overlapping, so this widens nothing twice. Default 5 minutes.
   */
  clockSkewMs?: number;
}

export interface RunQuery {
  query: string;
  timespan: { start: Date; end: Date };
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

function kqlDatetime(d: Date): string {
  return `datetime(${d.toISOString()})`;
}

function checkWindow(window: IngestionWindow): void {
  const { ingestStart, ingestEnd } = window ?? ({} as Partial<IngestionWindow>);
  if (!(ingestStart instanceof Date) || Number.isNaN(ingestStart.getTime()))
    throw new RangeError('buildRunQuery: ingestStart must be a valid Date');
  if (!(ingestEnd instanceof Date) || Number.isNaN(ingestEnd.getTime()))
    throw new RangeError('buildRunQuery: ingestEnd must be a valid Date');
  if (ingestStart.getTime() >= ingestEnd.getTime()) {
    throw new RangeError(`buildRunQuery: ingestStart ${ingestStart.toISOString()} must be before ingestEnd ${ingestEnd.toISOString()}`);
  }
}

function nonNegative(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`buildRunQuery: ${name} must be a non-negative number of ms, got ${v}`);
  return v;
}

/**
 * The query text and Log Analytics timespan for one run over an ingestion window.
 *
 * ingestion-time rules: the text gets `let _fw_window_start/_fw_window_end` prepended,
 * and the timespan is [ingestStart - queryPeriod - delayAllowance, ingestEnd + clockSkew]
 * on TimeGenerated, so late rows are still inside it while the ingestion bound keeps
 * each row in exactly one run.
 * Rules imported unchanged: the text is untouched and the timespan is
 * [ingestEnd - queryPeriod, ingestEnd + clockSkew], what Sentinel itself would query.
 */
export function buildRunQuery(detection: Detection, window: IngestionWindow, opts: RunQueryOptions = {}): RunQuery {
  checkWindow(window);
  const delay = nonNegative('delayAllowanceMs', opts.delayAllowanceMs, 0);
  const skew = nonNegative('clockSkewMs', opts.clockSkewMs, DEFAULT_CLOCK_SKEW_MS);
  const end = new Date(window.ingestEnd.getTime() + skew);
  if (detection.firstwatch.window === 'ingestion-time') {
    const prelude =
      `let ${WINDOW_START} = ${kqlDatetime(window.ingestStart)};\n` + `let ${WINDOW_END} = ${kqlDatetime(window.ingestEnd)};\n`;
    return {
      query: prelude + detection.query,
      timespan: { start: new Date(window.ingestStart.getTime() - detection.queryPeriodMs - delay), end },
    };
  }
  if (detection.kind === 'NRT') {
    // Published NRT queries carry no time filter of their own: the window is everything since the
    // last run, widened by the delay allowance for late rows; the fingerprint drops what is seen twice.
    return { query: detection.query, timespan: { start: new Date(window.ingestStart.getTime() - delay), end } };
  }
  return {
    query: detection.query,
    timespan: { start: new Date(window.ingestEnd.getTime() - detection.queryPeriodMs), end },
  };
}

/** Sentinel's trigger: an alert is raised when the number of result rows <op> threshold. */
export function triggerFires(detection: Pick<Detection, 'triggerOperator' | 'triggerThreshold'>, rowCount: number): boolean {
  const t = detection.triggerThreshold;
  const ops: Record<TriggerOperator, boolean> = { gt: rowCount > t, lt: rowCount < t, eq: rowCount === t, ne: rowCount !== t };
  return ops[detection.triggerOperator];
}
