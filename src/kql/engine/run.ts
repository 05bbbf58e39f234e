import type { Expr, Op, Pipeline, Script, Source, Statement } from '../ast';
import { compileExpr } from '../compile/scalar';
import { constValue, fold, newCtx, type Compiled, type Ctx, type SubqueryColumn } from '../compile/context';
import { errorAt, KqlError, type Pos } from '../errors';
import { distinct } from '../operators/distinct';
import { joinRels } from '../operators/join';
import { lookupRels } from '../operators/lookup';
import { parseRel } from '../operators/parse';
import { mvExpand } from '../operators/mv-expand';
import { bagUnpack } from '../operators/bag-unpack';
import { mvApply } from '../operators/mv-apply';
import { makeSeries } from '../operators/make-series';
import { liftWindows, usesWindowFunctions } from '../operators/window';

const MV_APPLY_INPUT = '$mv-apply input';
import { sortRel } from '../operators/sort';
import { summarize } from '../operators/summarize';
import { unionRels } from '../operators/union';
import type { Column, ColumnType, QueryOptions, Table, TableSource } from '../types';
import { Timespan } from '../values';
import { scopeOf, type Env, type Rel } from './relation';
import { isRowOp, runSegment, takeCount, type RowOp } from './segment';

interface RunState {
  env: Env;
  source: TableSource;
  opts: QueryOptions;
  tabular: Map<string, { pipeline?: Pipeline; alias?: string; value?: Rel }>;
  /** How many user-defined tabular functions deep this run is. */
  depth?: number;
}

/** Runs a parsed script against a table source. */
export function runScript(script: Script, source: TableSource, opts: QueryOptions): Rel {
  const now = opts.now ?? new Date();
  const env: Env = { now, lets: new Map<string, Compiled>(), functions: new Map() };
  const st: RunState = { env, source, opts, tabular: new Map() };
  env.subquery = (q) => firstColumn(runPipeline(q, st), q.pos);
  bindLets(script.lets, st);
  return runPipeline(script.query, st);
}

/** The list a tabular `in (...)` compares with: the query's first column, as Kusto takes it. */
function firstColumn(rel: Rel, pos: Pos): SubqueryColumn {
  const col = rel.columns[0];
  if (col === undefined) throw errorAt('the subquery returns no columns', pos);
  return { type: col.type, values: rel.rows.map((r) => r[0] ?? null) };
}

/** Binds let statements in order; a later let shadows an earlier one of any kind. */
function bindLets(lets: Statement[], st: RunState): void {
  const { env, source } = st;
  for (const s of lets) {
    if (s.k === 'let-function') {
      env.functions.set(s.fn.name, s.fn);
      st.tabular.delete(s.fn.name);
      env.lets.delete(s.fn.name);
    } else if (s.k === 'let-tabular') {
      st.tabular.set(s.name, { pipeline: s.query });
      env.lets.delete(s.name);
      env.functions.delete(s.name);
    } else if (s.k === 'let-scalar') {
      const c = compileExpr(s.expr, scopeOf([], env));
      if (!c.isConst) throw errorAt(`let ${s.name}: the value must not depend on a row`, s.pos);
      env.lets.set(s.name, fold(c));
      st.tabular.delete(s.name);
      env.functions.delete(s.name);
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
      env.functions.delete(s.name);
    }
  }
}

/**
 * A call of a user-defined tabular function: its parameters become constant lets (they
 * shadow outer names), its own lets are bound afresh for this call, then its query runs.
 */
function callTabular(src: Extract<Source, { k: 'call' }>, st: RunState): Rel {
  const fn = st.env.functions.get(src.name);
  if (fn === undefined || fn.body.k !== 'query') throw errorAt(`unsupported tabular function '${src.name}'`, src.pos);
  if (src.args.length > fn.params.length)
    throw errorAt(`${fn.name} takes ${fn.params.length} argument(s), not ${src.args.length}`, src.pos);
  if ((st.depth ?? 0) >= 32) throw errorAt(`${fn.name}: functions nest deeper than 32 (recursion is not allowed)`, src.pos);
  const env: Env = { now: st.env.now, lets: new Map(st.env.lets), functions: new Map(st.env.functions) };
  const child: RunState = { env, source: st.source, opts: st.opts, tabular: new Map(st.tabular), depth: (st.depth ?? 0) + 1 };
  env.subquery = (q) => firstColumn(runPipeline(q, child), q.pos);
  fn.params.forEach((p, i) => {
    const arg = src.args[i] ?? p.default;
    if (arg === undefined) throw errorAt(`${fn.name}: missing argument '${p.name}'`, src.pos);
    const c = compileExpr(arg, scopeOf([], i < src.args.length ? st.env : env));
    if (!c.isConst) throw errorAt(`${fn.name}: argument '${p.name}' must not depend on a row`, arg.pos);
    env.lets.set(p.name, fold(c));
    child.tabular.delete(p.name);
    env.functions.delete(p.name);
  });
  bindLets(fn.lets, child);
  return runPipeline(fn.body.query, child);
}

/** table("name"): the name must be a constant string. */
function tableNameOf(src: Extract<Source, { k: 'table-expr' }>, st: RunState): Source {
  const c = compileExpr(src.expr, scopeOf([], st.env));
  const name = c.isConst ? constValue(c) : undefined;
  if (typeof name !== 'string' || name === '') throw errorAt('table() needs a constant, non-empty table name', src.pos);
  return { k: 'table', name, pos: src.pos };
}

function runPipeline(p: Pipeline, st: RunState): Rel {
  const ops = p.ops;
  let k = 0;
  let rel: Rel;
  const source = p.source.k === 'table-expr' ? tableNameOf(p.source, st) : p.source;
  const stored = storedTableOf(source, st);
  if (stored) {
    // Leading row operators run straight over the stored row objects.
    const rowOps: RowOp[] = [];
    while (k < ops.length && isRowOp(ops[k]) && !usesWindowFunctions(ops[k] as Op)) rowOps.push(ops[k++] as RowOp);
    rel = runSegment(
      {
        columns: stored.columns,
        rows: stored.rows,
        byName: true,
        ingest: stored.ingestionTimes ?? null,
        prefilter: timespanFilter(stored, st.opts),
      },
      rowOps,
      st.env,
    );
  } else {
    rel = runSource(source, st);
  }
  while (k < ops.length) {
    const op = ops[k];
    if (usesWindowFunctions(op)) {
      // prev/next/row_number/row_window_session read neighbouring rows: computed first, then the operator runs.
      const lifted = liftWindows(rel, op, st.env);
      rel = runSegment(
        { columns: lifted.rel.columns, rows: lifted.rel.rows, byName: false, ingest: lifted.rel.ingest },
        [lifted.op as RowOp],
        st.env,
      );
      if (op.k !== 'project') rel = dropColumns(rel, lifted.hidden);
      k++;
      continue;
    }
    if (isRowOp(op)) {
      const rowOps: RowOp[] = [];
      while (k < ops.length && isRowOp(ops[k]) && !usesWindowFunctions(ops[k] as Op)) rowOps.push(ops[k++] as RowOp);
      rel = runSegment({ columns: rel.columns, rows: rel.rows, byName: false, ingest: rel.ingest }, rowOps, st.env);
      continue;
    }
    if (op.k === 'join' && op.kind === 'innerunique') {
      // Kusto pushes filters on left columns below an innerunique join, so they act before the left
      // side loses its duplicate keys (join-innerunique.md); doing them after could drop every row.
      const pushed: RowOp[] = [];
      let j = k + 1;
      while (j < ops.length && ops[j].k === 'where' && onlyNames((ops[j] as Extract<Op, { k: 'where' }>).pred, rel, st.env))
        pushed.push(ops[j++] as RowOp);
      if (pushed.length > 0) rel = runSegment({ columns: rel.columns, rows: rel.rows, byName: false, ingest: rel.ingest }, pushed, st.env);
      rel = runOp(rel, op, st);
      k = j;
      continue;
    }
    rel = runOp(rel, op, st);
    k++;
  }
  return rel;
}

/** True when every name the expression reads is a column of rel or a scalar let. */
function onlyNames(e: Expr, rel: Rel, env: Env): boolean {
  const names = new Set(rel.columns.map((c) => c.name));
  let okSoFar = true;
  const visit = (x: Expr): void => {
    if (!okSoFar) return;
    switch (x.k) {
      case 'name':
        if (!names.has(x.name) && !env.lets.has(x.name)) okSoFar = false;
        return;
      case 'side':
      case 'star':
        okSoFar = false;
        return;
      case 'lit':
      case 'typeof':
      case 'toscalar':
        return;
      case 'member':
        return visit(x.obj);
      case 'index':
        visit(x.obj);
        return visit(x.index);
      case 'call':
        return x.args.forEach(visit);
      case 'binary':
        visit(x.left);
        return visit(x.right);
      case 'in':
        visit(x.left);
        return x.list.forEach(visit);
      case 'between':
        visit(x.left);
        visit(x.lo);
        return visit(x.hi);
      case 'neg':
        return visit(x.operand);
    }
  };
  visit(e);
  return okSoFar;
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
    case 'as':
      st.tabular.set(op.name, { value: rel });
      return rel;
    case 'join':
      return joinRels(rel, runPipeline(op.right, st), op);
    case 'lookup':
      return lookupRels(rel, runPipeline(op.right, st), op);
    case 'parse':
      return parseRel(rel, op, st.env);
    case 'mv-expand':
      return mvExpand(rel, op, st.env);
    case 'bag-unpack':
      return bagUnpack(rel, op, st.env);
    case 'make-series':
      return makeSeries(rel, op, st.env);
    case 'mv-apply':
      return mvApply(rel, op, st.env, (input, ops) => {
        // The subquery reads its table through a name no query can spell.
        const tabular = new Map(st.tabular);
        tabular.set(MV_APPLY_INPUT, { value: input });
        return runPipeline({ source: { k: 'table', name: MV_APPLY_INPUT, pos: op.pos }, ops, pos: op.pos }, { ...st, tabular });
      });
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
  if (!Array.isArray(t.rows) || !Array.isArray(t.columns))
    throw errorAt(`table '${t.name}' is malformed (rows and columns must be arrays)`, pos);
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
        {
          columns: stored.columns,
          rows: stored.rows,
          byName: true,
          ingest: stored.ingestionTimes ?? null,
          prefilter: timespanFilter(stored, st.opts),
        },
        [],
        st.env,
      );
    }
    case 'sub':
      return runPipeline(src.query, st);
    case 'table-expr':
      return runSource(tableNameOf(src, st), st);
    case 'call':
      return callTabular(src, st);
    case 'union':
      return unionRels(unionInputs(src.sources, src.isfuzzy, st, src.pos, src.withsource));
    case 'datatable':
      return datatable(src, st);
    case 'print':
      return printRow(src, st);
    case 'range':
      return rangeRows(src, st);
  }
}

/** print: one row of constant expressions; unnamed ones are print_0, print_1, ... by position. */
function printRow(src: Extract<Source, { k: 'print' }>, st: RunState): Rel {
  const scope = scopeOf([], st.env);
  const columns: Column[] = [];
  const row: unknown[] = [];
  src.items.forEach((item, i) => {
    const c = compileExpr(item.expr, scope);
    columns.push({ name: item.name ?? `print_${i}`, type: c.type });
    row.push(c.ev(newCtx()));
  });
  return { columns, rows: [row], ingest: null };
}

/** Rows a range may produce; more is almost surely a mistake in the step. */
const RANGE_LIMIT = 10_000_000;

/** range x from a to b step s: a, a+s, ... while not past b. */
function rangeRows(src: Extract<Source, { k: 'range' }>, st: RunState): Rel {
  const scope = scopeOf([], st.env);
  const from = compileExpr(src.from, scope);
  const to = compileExpr(src.to, scope);
  const step = compileExpr(src.step, scope);
  if (!from.isConst || !to.isConst || !step.isConst) throw errorAt('range needs constant from, to and step', src.pos);
  const a = constValue(from);
  const b = constValue(to);
  const s = constValue(step);
  const num = (v: unknown): number | null =>
    typeof v === 'number' ? v : v instanceof Date ? v.getTime() : v instanceof Timespan ? v.ms : null;
  const x = num(a);
  const y = num(b);
  const d = num(s);
  const kinds = (v: unknown): string => (v instanceof Date ? 'datetime' : v instanceof Timespan ? 'timespan' : typeof v);
  const stepOk =
    kinds(a) === 'datetime' ? s instanceof Timespan : kinds(s) === kinds(a) || (typeof a === 'number' && typeof s === 'number');
  if (x === null || y === null || d === null || !stepOk || kinds(a) !== kinds(b)) {
    throw errorAt('range needs from and to of one type (number, datetime or timespan) and a matching step', src.pos);
  }
  if (d === 0) throw errorAt('range step must not be zero', src.pos);
  const type: ColumnType =
    from.type === 'int' ? (step.type === 'real' ? 'real' : 'long') : from.type === 'long' && step.type === 'real' ? 'real' : from.type;
  const make = (n: number): unknown => (a instanceof Date ? new Date(n) : a instanceof Timespan ? new Timespan(n) : n);
  const rows: unknown[][] = [];
  for (let k = 0; ; k++) {
    const v = x + k * d;
    if (d > 0 ? v > y : v < y) break;
    if (rows.length >= RANGE_LIMIT) throw errorAt(`range would produce more than ${RANGE_LIMIT} rows`, src.pos);
    rows.push([make(v)]);
  }
  return { columns: [{ name: src.name, type }], rows, ingest: null };
}

function unionInputs(sources: Pipeline[], isfuzzy: boolean, st: RunState, pos: Pos, withsource?: string): Rel[] {
  const out: Rel[] = [];
  for (const p of sources) {
    if (isfuzzy && p.source.k === 'table' && !st.tabular.has(p.source.name) && !st.source.getTable(p.source.name)) {
      // Kusto: each leg that does not resolve is a warning in the query status; none resolving is an error.
      st.opts.onWarning?.(`'union' operator: Failed to resolve table expression named '${p.source.name}'`);
      continue;
    }
    let rel: Rel;
    try {
      rel = runPipeline(p, st);
    } catch (err) {
      // isfuzzy: a leg over a table the workspace lacks (also inside a function or let) is left out.
      if (isfuzzy && err instanceof KqlError && err.message.startsWith("unknown table '")) continue;
      throw err;
    }
    if (withsource === undefined || p.source.k !== 'table') out.push(rel);
    else {
      // withsource=Name: a first column telling which table each row came from.
      const label = p.source.name;
      out.push({
        columns: [{ name: withsource, type: 'string' }, ...rel.columns],
        rows: rel.rows.map((r) => [label, ...r]),
        ingest: rel.ingest,
      });
    }
  }
  if (out.length === 0)
    throw errorAt(
      isfuzzy
        ? "union: must have at least one operand that can be evaluated successfully when running with 'Fuzzy' mode"
        : 'union has no tables',
      pos,
    );
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

function dropColumns(rel: Rel, names: string[]): Rel {
  if (names.length === 0) return rel;
  const keep = rel.columns.map((c, i) => (names.includes(c.name) ? -1 : i)).filter((i) => i >= 0);
  return { columns: keep.map((i) => rel.columns[i] as Column), rows: rel.rows.map((r) => keep.map((i) => r[i])), ingest: rel.ingest };
}
