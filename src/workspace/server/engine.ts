import { encodeCell, KqlError, runQuery } from '../../kql';
import type { Column, ResultTable, TableSource } from '../../kql/types';

/** The one place the server binds to the KQL engine. */
export function evaluate(
  query: string,
  source: TableSource,
  now: Date,
  timespan?: { start: Date; end: Date },
  onWarning?: (message: string) => void,
): ResultTable {
  return runQuery(query, source, { now, timespan, ...(onWarning ? { onWarning } : {}) });
}

export function encodeRows(columns: Column[], rows: unknown[][]): unknown[][] {
  return rows.map((row) => columns.map((c, i) => encodeCell(row[i], c.type)));
}

export { KqlError };
