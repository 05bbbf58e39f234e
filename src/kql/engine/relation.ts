import type { ColumnRef, Scope, SubqueryColumn } from '../compile/context';
import type { Compiled } from '../compile/context';
import type { FunctionDef, Pipeline } from '../ast';
import type { Column } from '../types';

/** A table inside the engine: rows are arrays in column order. */
export interface Rel {
  columns: Column[];
  rows: unknown[][];
  /** ingestion_time() per row, or null when rows no longer stand for stored rows. */
  ingest: (Date | null)[] | null;
}

/** Everything a query run needs besides the query. */
export interface Env {
  now: Date;
  lets: Map<string, Compiled>;
  /** User-defined functions, tabular and scalar, by name. */
  functions: Map<string, FunctionDef>;
  /** Runs a tabular subquery where a scalar expression takes one (`in (T | ...)`). */
  subquery?: (query: Pipeline) => SubqueryColumn;
}

export function scopeOf(entries: ColumnRef[], env: Env): Scope {
  const map = new Map<string, ColumnRef>();
  for (const e of entries) map.set(e.name, e);
  return {
    column: (name) => map.get(name),
    columnNames: () => entries.map((e) => e.name),
    lets: env.lets,
    now: env.now,
    functions: env.functions,
    subquery: env.subquery,
  };
}

/** Column accessors for array rows. */
export function arrayEntries(columns: Column[]): ColumnRef[] {
  return columns.map((col, idx) => ({ name: col.name, type: col.type, ev: (c) => (c.base as unknown[])[idx] }));
}
