import { runQuery } from '../../src/kql';
import type { Column, QueryOptions, ResultTable, Table, TableSource } from '../../src/kql/types';

export const NOW = new Date('2024-05-01T12:00:00Z');

export function source(...tables: Table[]): TableSource {
  const byName = new Map(tables.map((t) => [t.name, t]));
  return { getTable: (name) => byName.get(name) };
}

export function table(name: string, spec: string, rows: Record<string, unknown>[], ingestionTimes?: Date[]): Table {
  const columns: Column[] = spec.split(',').map((s) => {
    const [n, t] = s.trim().split(':');
    return { name: n, type: t as Column['type'] };
  });
  return { name, columns, rows, ingestionTimes };
}

export const EMPTY = source();

/** Runs a query with now() fixed and returns rows as objects keyed by column name. */
export function rows(query: string, src: TableSource = EMPTY, opts: QueryOptions = {}): Record<string, unknown>[] {
  const r = run(query, src, opts);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

export function run(query: string, src: TableSource = EMPTY, opts: QueryOptions = {}): ResultTable {
  return runQuery(query, src, { now: NOW, ...opts });
}

/** The single value of a one-row, one-column query built from `print`-like datatable + extend. */
export function scalar(expr: string, src: TableSource = EMPTY): unknown {
  const r = run(`datatable(_:long)[1] | project v = ${expr}`, src);
  return r.rows[0][0];
}

export function scalarType(expr: string): string {
  return run(`datatable(_:long)[1] | project v = ${expr}`).columns[0].type;
}

export function columns(query: string, src: TableSource = EMPTY): string[] {
  return run(query, src).columns.map((c) => `${c.name}:${c.type}`);
}
