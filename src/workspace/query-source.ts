import type { Column } from '../kql/types';

/** A TimeGenerated range, as Log Analytics' `timespan` parameter. */
export interface TimeRange {
  start: Date;
  end: Date;
}

export interface QueryResult {
  columns: Column[];
  /** One object per row, keyed by column name; datetime → Date, dynamic → parsed JSON. */
  rows: Record<string, unknown>[];
  /** Warnings the service returned beside complete rows (a fuzzy union leg that did not resolve, say). */
  warnings?: string[];
}

export type QueryErrorKind =
  | 'bad-query' // the service rejected the KQL (400)
  | 'partial' // the service returned some rows and an error (not only warnings): never treated as complete
  | 'throttled' // 429 after the client's own retries
  | 'timeout'
  | 'forbidden' // 401/403: identity or role missing
  | 'not-found' // unknown workspace
  | 'unavailable'; // network errors and 5xx

export class QueryError extends Error {
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
    readonly statusCode?: number,
    /** For a partial result: the engine's code for its first error ("E_QUERY_RESULT_SET_TOO_LARGE" when rows or size hit the limit). */
    readonly code?: string,
    /** A 429's or 503's Retry-After, when the service sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Anything that can run KQL against a workspace. Throws QueryError; never returns a partial result (one with only warnings is complete, its warnings returned). */
export interface QuerySource {
  /** A short name for logs and cards (e.g. the workspace's configured name). */
  readonly name: string;
  query(kql: string, timespan: TimeRange, options?: { signal?: AbortSignal }): Promise<QueryResult>;
}
