import { buildRunQuery, type RunQueryOptions } from '../detections';
import type { Detection } from '../detections/types';
import { realTimeout, type TimeoutSignal } from '../time/timeout';
import { QueryError, type QueryResult, type QuerySource } from '../workspace/query-source';
import { isAdmitting } from './query-limiter';

/** A span of ingestion time whose rows could not be read, and why. */
export interface UnreadSpan {
  start: Date;
  end: Date;
  reason: string;
}

export interface WindowReadOptions {
  /** Longest one query (with the client's own retries) may take before it is abandoned. */
  queryTimeoutMs: number;
  /** Smallest piece a window is split into when a query hits a limit or times out. */
  splitFloorMs: number;
  /** Epoch ms after which no further query starts (the schedule's budget for this run). */
  deadline: number;
  now: () => number;
  timeout?: TimeoutSignal;
  /** Stops every query in flight (shutdown). */
  signal?: AbortSignal;
  runQuery?: RunQueryOptions;
}

export interface WindowRead {
  rows: Record<string, unknown>[];
  warnings: string[];
  /** Queries that answered. */
  pieces: number;
  /** Floor-sized pieces the service would never return whole (over its row or size limit): reported, not retried. */
  unread: UnreadSpan[];
}

/** Abandoned by this reader's own timer, as distinct from a stop or the service's 504. */
class QueryTimedOut extends Error {
  constructor(ms: number) {
    super(`the query did not answer within ${Math.round(ms / 1000)} s and was abandoned`);
    this.name = 'QueryTimedOut';
  }
}

/** A limit the service hit, which a smaller window may stay under. */
function limitHit(err: unknown): string | undefined {
  if (err instanceof QueryTimedOut) return err.message;
  if (err instanceof QueryError) {
    if (err.kind === 'partial' && err.code === 'E_QUERY_RESULT_SET_TOO_LARGE') return err.message;
    if (err.kind === 'timeout') return err.message;
  }
  return undefined;
}

/**
 * Reads one ingestion window. A query that fails on the service's row or size
 * limit, or runs out of time, is asked again over the two halves of its window
 * (recursively, down to `splitFloorMs`), so a busy window is read in pieces
 * instead of failing every run. Only ingestion-time rules split: their query
 * selects rows by ingestion time, so the halves are disjoint and together the
 * whole. A floor-sized piece still over the size limit is reported as unread;
 * any other failure (or one after the deadline) fails the read.
 */
export async function readWindow(
  detection: Detection,
  source: QuerySource,
  window: { start: Date; end: Date },
  options: WindowReadOptions,
): Promise<WindowRead> {
  const read: WindowRead = { rows: [], warnings: [], pieces: 0, unread: [] };
  const splittable = detection.firstwatch.window === 'ingestion-time';
  const timeout = options.timeout ?? realTimeout;

  const queryPiece = async (start: Date, end: Date): Promise<void> => {
    const remaining = options.deadline - options.now();
    if (remaining <= 0)
      throw new QueryError('timeout', `the run's time budget was spent before ${start.toISOString()}..${end.toISOString()} could be read`);
    const ms = Math.min(options.queryTimeoutMs, remaining);
    const run = buildRunQuery(detection, { ingestStart: start, ingestEnd: end }, options.runQuery);
    let timer: AbortSignal | undefined;
    // The query's time starts when it runs: a wait for the query limiter's turn is not the query's.
    const attempt = (runner: QuerySource): Promise<QueryResult> => {
      timer = timeout(ms);
      const signal = options.signal === undefined ? timer : AbortSignal.any([timer, options.signal]);
      return runner.query(run.query, run.timespan, { signal });
    };
    try {
      const result = isAdmitting(source) ? await source.admit(attempt) : await attempt(source);
      read.rows.push(...result.rows);
      read.warnings.push(...(result.warnings ?? []));
      read.pieces++;
    } catch (err) {
      if (options.signal?.aborted === true) throw err;
      const failure = timer?.aborted === true ? new QueryTimedOut(ms) : err;
      const limit = limitHit(failure);
      const span = end.getTime() - start.getTime();
      if (limit === undefined || !splittable) throw failure;
      if (span > options.splitFloorMs && options.deadline - options.now() > 0) {
        const middle = new Date(start.getTime() + Math.floor(span / 2));
        await queryPiece(start, middle);
        await queryPiece(middle, end);
        return;
      }
      // At the floor: a result too large will stay too large; a timeout may not, so it fails the run.
      if (failure instanceof QueryError && failure.kind === 'partial') {
        read.unread.push({ start, end, reason: limit });
        return;
      }
      throw failure;
    }
  };

  await queryPiece(window.start, window.end);
  return read;
}
