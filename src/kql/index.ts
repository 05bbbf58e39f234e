/**
 * The embedded KQL engine: the subset of Kusto our detections and hunts use.
 *
 * Statements: `let` (scalar values, tabular queries, aliases), one final query, `//` comments.
 * Tabular sources: table names, datatable, print, range, union [isfuzzy=true] [withsource=Name].
 * Operators: where, extend, project, project-away/-keep/-reorder/-rename, summarize, order/sort by,
 * top, take/limit, distinct, count, mv-expand [kind=bag|array] [with_itemindex=], parse
 * [kind=simple|relaxed], lookup [kind=leftouter|inner], and join with kind=inner|innerunique (the
 * default)|leftouter|leftanti|leftsemi|rightouter|rightanti|rightsemi|fullouter.
 * Anything else, and anything the engine cannot answer exactly as Kusto does (such as datetimes
 * finer than a millisecond), fails with a KqlError naming the construct and its line:column.
 */
import { runScript } from './engine/run';
import { parseScript } from './parser';
import type { Script } from './ast';
import type { QueryOptions, ResultTable, TableSource } from './types';
import { KqlError } from './errors';

export { KqlError } from './errors';
export { SENTINEL_TABLES } from './sentinel-tables';
export { encodeCell } from './encode';
export { Timespan } from './values';
export type { Column, QueryOptions, ResultTable, Table, TableSource } from './types';

export interface CompiledQuery {
  readonly text: string;
  run(source: TableSource, opts?: QueryOptions): ResultTable;
}

function validateOptions(opts: QueryOptions): void {
  const isDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
  if (opts.now !== undefined && !isDate(opts.now)) throw new KqlError('options.now must be a valid Date', 0, 0);
  if (opts.timespan !== undefined) {
    const { start, end } = opts.timespan;
    if (!isDate(start) || !isDate(end)) throw new KqlError('options.timespan needs valid start and end Dates', 0, 0);
    if (start.getTime() > end.getTime()) throw new KqlError('options.timespan starts after it ends', 0, 0);
  }
}

/** Lexes and parses once; each run binds the query to the tables' columns and executes it. */
export function compileQuery(text: string): CompiledQuery {
  if (typeof text !== 'string') throw new KqlError('the query must be a string', 0, 0);
  const script: Script = parseScript(text);
  return {
    text,
    run(source: TableSource, opts: QueryOptions = {}): ResultTable {
      validateOptions(opts);
      const rel = runScript(script, source, opts);
      return { columns: rel.columns.map((c) => ({ name: c.name, type: c.type })), rows: rel.rows };
    },
  };
}

export function runQuery(text: string, source: TableSource, opts?: QueryOptions): ResultTable {
  return compileQuery(text).run(source, opts);
}
