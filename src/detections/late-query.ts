import { buildRunQuery, type IngestionWindow, type RunQuery } from './run-query';
import type { Detection } from './types';

export interface LateQuery extends RunQuery {
  /** Where the run's own TimeGenerated look-back starts: rows before it are late. */
  lookbackStart: Date;
}

/**
 * The rule's hits among rows ingested in this window whose TimeGenerated lies before the
 * run's look-back: the same query text over the TimeGenerated range just before it.
 * Only ingestion-time rules have such a window; undefined for the others.
 */
export function buildLateQuery(
  detection: Detection,
  window: IngestionWindow,
  opts: {
    delayAllowanceMs: number;
    scanMs: number;
    /** Ingested after this only (the last watermark): the window's overlap is not counted twice. */ countFrom?: Date;
  },
): LateQuery | undefined {
  if (detection.firstwatch.window !== 'ingestion-time') return undefined;
  if (!Number.isFinite(opts.scanMs) || opts.scanMs <= 0)
    throw new RangeError(`buildLateQuery: scanMs must be a positive number of ms, got ${opts.scanMs}`);
  const lookbackStart = buildRunQuery(detection, window, { delayAllowanceMs: opts.delayAllowanceMs }).timespan.start;
  const from =
    opts.countFrom !== undefined && opts.countFrom > window.ingestStart && opts.countFrom < window.ingestEnd
      ? opts.countFrom
      : window.ingestStart;
  const { query } = buildRunQuery(
    detection,
    { ingestStart: from, ingestEnd: window.ingestEnd },
    { delayAllowanceMs: opts.delayAllowanceMs },
  );
  // Timespans include both ends: stop 1 ms short so no row is counted by both queries.
  return {
    query,
    timespan: { start: new Date(lookbackStart.getTime() - opts.scanMs), end: new Date(lookbackStart.getTime() - 1) },
    lookbackStart,
  };
}
