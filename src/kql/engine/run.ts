import type { Op, Pipeline, Script, Source } from '../ast';
import { compileExpr } from '../compile/scalar';
import { fold, type Compiled, type Ctx } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { distinct } from '../operators/distinct';
import { joinRels } from '../operators/join';
import { mvExpand } from '../operators/mv-expand';
import { sortRel } from '../operators/sort';
import { summarize } from '../operators/summarize';
import { unionRels } from '../operators/union';
import type { Column, QueryOptions, Table, TableSource } from '../types';
import { scopeOf, type Env, type Rel } from './relation';
import { isRowOp, runSegment, takeCount, type RowOp } from './segment';

interface RunState {
  env: Env;
  source: TableSource;
  opts: QueryOptions;
  tabular: Map<string, { pipeline?: Pipeline; alias?: string; value?: Rel }>;
}

/** Runs a parsed script against a table source. */
export function runScript(script: Script, source: TableSource, opts: QueryOptions): Rel {
  const now = opts.now ?? new Date();
  const env: Env = { now, lets: new Map<string, Compiled>() };
  const st: RunState = { env, source, opts, tabular: new Map() };
  for (const s of script.lets) {
    if (s.k === 'let-tabular') {
      st.tabular.set(s.name, { pipeline: s.query });
      env.lets.delete(s.name);
    } else if (s.k === 'let-scalar') {
      const c = compileExpr(s.expr, scopeOf([], env));
      if (!c.isConst) throw errorAt(`let ${s.name}: the value must not depend on a row`, s.pos);
      env.lets.set(s.name, fold(c));
      st.tabular.delete(s.name);
    } else {
      // let x = y: a table alias when y names a table (or tabular let), else a scalar alias.
      if (st.tabular.has(s.target) || source.getTable(s.target)) {
        st.tabular.set(s.name, { alias: s.target });
        env.lets.delete(s.name);
      } else {
        const v = env.lets.get(s.target);
        if (!v) throw errorAt(`unknown table or name '${s.target}'`, s.pos);
        env.lets.set(s.name, v);
        st.tabular.delete(s.name);
      }
    }
  }
  return runPipeline(script.query, st);
}

function runPipeline(p: Pipeline, st: RunState): Rel {
  const ops = p.ops;
  let k = 0;
  let rel: Rel;
  const stored = storedTableOf(p.source, st);
  if (stored) {
    // Leading row operators run straight over the stored row objects.
    const rowOps: RowOp[] = [];
    while (k < ops.length && isRowOp(ops[k])) rowOps.push(ops[k++] as RowOp);
    rel = runSegment(
      { columns: stored.columns, rows: stored.rows, byName: true, ingest: stored.ingestionTimes ?? null, prefilter: timespanFilter(stored, st.opts) },
      rowOps,
      st.env,
    );
  } else {
    rel = runSource(p.source, st);
  }
  while (k < ops.length) {
    const op = ops[k];
    if (isRowOp(op)) {
      const rowOps: RowOp[] = [];
      while (k < ops.length && isRowOp(ops[k])) rowOps.push(ops[k++] as RowOp);
      rel = runSegment({ columns: rel.columns, rows: rel.rows, byName: false, ingest: rel.ingest }, rowOps, st.env);
      continue;
    }
    rel = runOp(rel, op, st);
    k++;
  }
  return rel;
}

function runOp(rel: Rel, op: Exclude<Op, RowOp>, st: RunState): Rel {
  switch (op.k) {
    case 'summarize':
      return summarize(rel, op, st.env);
    case 'sort':
      return sortRel(rel, op.keys, st.env);
    case 'top':
      return sortRel(rel, op.keys, st.env, takeCount(op, st.env));
    case 'distinct':
      return distinct(rel, op.items, st.env, op.pos);
    case 'count':
      return { columns: [{ name: 'Count', type: 'long' }], rows: [[rel.rows.length]], ingest: null };
    case 'join':
      return joinRels(rel, runPipeline(op.right, st), op);
    case 'mv-expand':
      return mvExpand(rel, op, st.env);
    case 'union':
      return unionRels([rel, ...unionInputs(op.sources, op.isfuzzy, st, op.pos)]);
  }
}

/** The stored table a source names directly (through let aliases), if any. */
function storedTableOf(src: Source, st: RunState): Table | undefined {
  if (src.k !== 'table') return undefined;
  let name = src.name;
  for (let hops = 0; hops < 64; hops++) {
    const t = st.tabular.get(name);
    if (!t) break;
    if (t.alias === undefined) return undefined;
    name = t.alias;
  }
  const table = st.source.getTable(name);
  if (table) validateTable(table, src.pos);
  return table;
}

function validateTable(t: Table, pos: Pos): void {
  if (!Array.isArray(t.rows) || !Array.isArray(t.columns)) throw errorAt(`table '${t.name}' is malformed (rows and columns must be arrays)`, pos);
  if (t.ingestionTimes && t.ingestionTimes.length !== t.rows.length) {
    throw errorAt(`table '${t.name}' has ${t.ingestionTimes.length} ingestion times for ${t.rows.length} rows`, pos);
  }
}

function timespanFilter(t: Table, opts: QueryOptions): ((c: Ctx) => boolean) | undefined {
  if (!opts.timespan || !t.columns.some((c) => c.name === 'TimeGenerated')) return undefined;
  const start = opts.timespan.start.getTime();
  const end = opts.timespan.end.getTime();
  return (c) => {
    const v = (c.base as Record<string, unknown>).TimeGenerated;
    if (!(v instanceof Date)) return false;
    const ms = v.getTime();
    return ms >= start && ms < end;
  };
}

function runSource(src: Source, st: RunState): Rel {
  switch (src.k) {
    case 'table': {
      const t = st.tabular.get(src.name);
      if (t) {
        if (t.alias !== undefined) return runSource({ k: 'table', name: t.alias, pos: src.pos }, st);
        if (!t.value) {
          // Evaluate a tabular let once per run, however often it is referenced.
          const p = t.pipeline as Pipeline;
          t.value = runPipeline(p, st);
        }
        return t.value;
      }
      const stored = storedTableOf(src, st);
      if (!stored) throw errorAt(`unknown table '${src.name}'`, src.pos);
      return runSegment(
        { columns: stored.columns, rows: stored.rows, byName: true, ingest: stored.ingestionTimes ?? null, prefilter: timespanFilter(stored, st.opts) },
        [],
        st.env,
      );
    }
    case 'sub':
      return runPipeline(src.query, st);
    case 'union':
      return unionRels(unionInputs(src.sources, src.isfuzzy, st, src.pos));
    case 'datatable':
      return datatable(src, st);
  }
}

function unionInputs(sources: Pipeline[], isfuzzy: boolean, st: RunState, pos: Pos): Rel[] {
  const out: Rel[] = [];
  for (const p of sources) {
    if (isfuzzy && p.source.k === 'table' && !st.tabular.has(p.source.name) && !st.source.getTable(p.source.name)) {
      // Kusto: each leg that does not resolve is a warning in the query status; none resolving is an error.
      st.opts.onWarning?.(`'union' operator: Failed to resolve table expression named '${p.source.name}'`);
      continue;
    }
    out.push(runPipeline(p, st));
  }
  if (out.length === 0) throw errorAt(isfuzzy ? "union: must have at least one operand that can be evaluated successfully when running with 'Fuzzy' mode" : 'union has no tables', pos);
  return out;
}

function datatable(src: Extract<Source, { k: 'datatable' }>, st: RunState): Rel {
  const scope = scopeOf([], st.env);
  const width = src.columns.length;
  const rows: unknown[][] = [];
  let row: unknown[] = [];
  src.values.forEach((e, i) => {
    const col: Column = src.columns[i % width];
    const c = compileExpr(e, scope);
    if (!c.isConst) throw errorAt('datatable values must be constants', e.pos);
    const v = c.ev(null as never);
    row.push(checkCell(v, c.type, col, e.pos));
    if (row.length === width) {
      rows.push(row);
      row = [];
    }
  });
  return { columns: src.columns.map((c) => ({ ...c })), rows, ingest: null };
}

function checkCell(v: unknown, type: Compiled['type'], col: Column, pos: Pos): unknown {
  if (v === null) return null;
  const fam = (t: string): string => (t === 'int' || t === 'long' || t === 'real' || t === 'decimal' ? 'n' : t === 'guid' ? 'string' : t);
  if (col.type === 'dynamic') return v;
  if (fam(type) !== fam(col.type)) throw errorAt(`datatable column '${col.name}' is ${col.type} but the value is ${type}`, pos);
  if (col.type === 'int' || col.type === 'long') {
    if (!Number.isInteger(v)) throw errorAt(`datatable column '${col.name}' is ${col.type} but the value is not an integer`, pos);
  }
  return v;
}
