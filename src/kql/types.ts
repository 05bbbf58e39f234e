/**
 * The contract between the KQL engine and whoever feeds it tables.
 *
 * Values inside the engine and at its boundary use plain JS types:
 *   string, guid      → string
 *   int, long, real   → number
 *   bool              → boolean
 *   datetime          → Date
 *   timespan          → Timespan (see ./values.ts)
 *   dynamic           → any JSON value (object, array, string, number, boolean, null)
 *   null / empty      → null
 */
export type ColumnType = 'string' | 'guid' | 'int' | 'long' | 'real' | 'decimal' | 'bool' | 'datetime' | 'timespan' | 'dynamic';

export interface Column {
  name: string;
  type: ColumnType;
}

export type Row = Record<string, unknown>;

/**
 * A stored table. `ingestionTimes[i]` is what `ingestion_time()` returns for
 * `rows[i]`; it never appears as a column.
 */
export interface Table {
  name: string;
  columns: Column[];
  rows: Row[];
  ingestionTimes?: Date[];
}

export interface TableSource {
  /** The table by its exact (case-sensitive) KQL name, or undefined. */
  getTable(name: string): Table | undefined;
}

export interface QueryOptions {
  /** What `now()` and `ago()` are relative to; fixed for the whole query. */
  now?: Date;
  /** Log Analytics' `timespan`: every table reference is filtered on TimeGenerated within [start, end). */
  timespan?: { start: Date; end: Date };
  /** Told each warning Kusto would put in the query status (a fuzzy union leg that did not resolve). */
  onWarning?: (message: string) => void;
}

export interface ResultTable {
  columns: Column[];
  rows: unknown[][];
}
