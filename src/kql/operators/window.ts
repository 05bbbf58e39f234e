import type { Expr, Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { constValue, newCtx, type Ev } from '../compile/context';
import { errorAt } from '../errors';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import { Timespan } from '../values';

/** Functions whose value depends on the rows around a row, in the order the rows have (serialized). */
const WINDOW_FUNCTIONS = new Set(['prev', 'next', 'row_number', 'row_window_session']);

type WindowedOp = Extract<Op, { k: 'extend' | 'project' | 'where' }>;

function mentionsWindow(e: Expr): boolean {
  switch (e.k) {
    case 'call':
      return WINDOW_FUNCTIONS.has(e.name) || e.args.some(mentionsWindow);
    case 'member':
      return mentionsWindow(e.obj);
    case 'index':
      return mentionsWindow(e.obj) || mentionsWindow(e.index);
    case 'binary':
      return mentionsWindow(e.left) || mentionsWindow(e.right);
    case 'in':
      return mentionsWindow(e.left) || e.list.some(mentionsWindow);
    case 'between':
      return mentionsWindow(e.left) || mentionsWindow(e.lo) || mentionsWindow(e.hi);
    case 'neg':
      return mentionsWindow(e.operand);
    default:
      return false;
  }
}

export function usesWindowFunctions(op: Op): op is WindowedOp {
  if (op.k === 'where') return mentionsWindow(op.pred);
  if (op.k === 'extend' || op.k === 'project') return op.items.some((a) => mentionsWindow(a.expr));
  return false;
}

/**
 * Computes each window function call of `op` over the rows in their order, as a hidden column
 * of `rel`, and returns the operator with each call replaced by a reference to its column.
 * Inner calls are computed first, so row_window_session(..., prev(x) != x) works.
 */
export function liftWindows(input: Rel, op: WindowedOp, env: Env): { rel: Rel; op: WindowedOp; hidden: string[] } {
  const rel: Rel = { columns: [...input.columns], rows: input.rows.map((r) => [...r]), ingest: input.ingest };
  const hidden: string[] = [];
  const lift = (e: Expr): Expr => {
    switch (e.k) {
      case 'call': {
        const args = e.args.map(lift);
        if (!WINDOW_FUNCTIONS.has(e.name)) return { ...e, args };
        const name = `$window${hidden.length}`;
        const values = windowValues({ ...e, args }, rel, env);
        rel.columns.push({ name, type: values.type });
        rel.rows.forEach((row, i) => row.push(values.values[i]));
        hidden.push(name);
        return { k: 'name', name, pos: e.pos };
      }
      case 'member':
        return { ...e, obj: lift(e.obj) };
      case 'index':
        return { ...e, obj: lift(e.obj), index: lift(e.index) };
      case 'binary':
        return { ...e, left: lift(e.left), right: lift(e.right) };
      case 'in':
        return { ...e, left: lift(e.left), list: e.list.map(lift) };
      case 'between':
        return { ...e, left: lift(e.left), lo: lift(e.lo), hi: lift(e.hi) };
      case 'neg':
        return { ...e, operand: lift(e.operand) };
      default:
        return e;
    }
  };
  const rewritten: WindowedOp =
    op.k === 'where' ? { ...op, pred: lift(op.pred) } : { ...op, items: op.items.map((a) => ({ ...a, expr: lift(a.expr) })) };
  return { rel, op: rewritten, hidden };
}

function windowValues(
  e: Extract<Expr, { k: 'call' }>,
  rel: Rel,
  env: Env,
): { values: unknown[]; type: ReturnType<typeof compileExpr>['type'] } {
  const scope = scopeOf(arrayEntries(rel.columns), env);
  const n = rel.rows.length;
  const c = newCtx();
  const at = (ev: Ev, i: number): unknown => {
    c.base = rel.rows[i];
    c.i = i;
    return ev(c);
  };
  const constant = (i: number, fallback: unknown): unknown => {
    const a = e.args[i];
    if (a === undefined) return fallback;
    const x = compileExpr(a, scopeOf([], env));
    if (!x.isConst) throw errorAt(`${e.name}(): argument ${i + 1} must be a constant`, a.pos);
    return constValue(x);
  };
  switch (e.name) {
    case 'prev':
    case 'next': {
      if (e.args.length < 1 || e.args.length > 3) throw errorAt(`${e.name}() takes 1 to 3 arguments`, e.pos);
      const x = compileExpr(e.args[0] as Expr, scope);
      const offset = Number(constant(1, 1));
      const dflt = constant(2, null);
      const step = e.name === 'prev' ? -offset : offset;
      return { type: x.type, values: rel.rows.map((_, i) => (i + step >= 0 && i + step < n ? at(x.ev, i + step) : dflt)) };
    }
    case 'row_number': {
      const start = Number(constant(0, 1));
      const restart = e.args[1] ? compileExpr(e.args[1], scope) : undefined;
      let k = start;
      return { type: 'long', values: rel.rows.map((_, i) => (i === 0 || (restart && at(restart.ev, i) === true) ? (k = start) : ++k)) };
    }
    default: {
      // row_window_session(expr, maxDistanceFromFirst, maxDistanceBetweenNeighbors[, restart])
      if (e.args.length < 3 || e.args.length > 4) throw errorAt('row_window_session() takes 3 or 4 arguments', e.pos);
      const x = compileExpr(e.args[0] as Expr, scope);
      if (x.type !== 'datetime') throw errorAt('row_window_session() needs a datetime first argument', e.pos);
      const span = (i: number): number => {
        const v = constant(i, null);
        if (!(v instanceof Timespan)) throw errorAt(`row_window_session(): argument ${i + 1} must be a constant timespan`, e.pos);
        return v.ms;
      };
      const maxFromFirst = span(1);
      const maxGap = span(2);
      const restart = e.args[3] ? compileExpr(e.args[3], scope) : undefined;
      let first: Date | null = null;
      let last: Date | null = null;
      const values = rel.rows.map((_, i) => {
        const t = at(x.ev, i);
        if (!(t instanceof Date)) return null;
        const fresh =
          first === null ||
          last === null ||
          (restart !== undefined && at(restart.ev, i) === true) ||
          t.getTime() - first.getTime() > maxFromFirst ||
          t.getTime() - last.getTime() > maxGap;
        if (fresh) first = t;
        last = t;
        return first;
      });
      return { type: 'datetime', values };
    }
  }
}
