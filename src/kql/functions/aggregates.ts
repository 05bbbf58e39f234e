import type { Expr } from '../ast';
import { LEGACY_AGGREGATES } from './legacy-aggregates';
import { compileExpr } from '../compile/scalar';
import { newCtx, type Compiled, type Ctx, type Scope } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { family, toBool, toNumber } from '../operators/coerce';
import { orderValues } from '../operators/compare';
import type { Column, ColumnType } from '../types';
import { isPlainObject, Timespan, toJsonValue, valueKey } from '../values';
import { AGGREGATE_NAMES } from './aggregate-names';
import { FUNCTIONS } from './scalar';

const FUNCTIONS_SCALAR = new Set(Object.keys(FUNCTIONS));
import { defaultColumnName, exprName } from '../compile/naming';

export { AGGREGATE_NAMES };

export interface AggState {
  add(c: Ctx): void;
  result(): unknown[];
}

export interface AggPlan {
  /** Output columns; a name of '' means "use the assignment's name". */
  columns: Column[];
  create(): AggState;
}

function arity(name: string, args: Expr[], pos: Pos, min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw errorAt(`${name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`, pos);
}

function predicate(c: Compiled): (x: Ctx) => boolean {
  const e = c.ev;
  return c.type === 'bool' ? (x) => e(x) === true : (x) => toBool(e(x)) === true;
}

function single(name: string, type: ColumnType, create: () => AggState): AggPlan {
  return { columns: [{ name, type }], create };
}

/** Compiles one aggregate call of a summarize against the input's columns. */
export function compileAggregate(written: Expr, scope: Scope, byNames: Set<string>): AggPlan {
  const legacy = written.k === 'call' ? LEGACY_AGGREGATES[written.name] : undefined;
  const call: Expr = legacy !== undefined && written.k === 'call' ? { ...written, name: legacy } : written;
  if (call.k === 'call' && !AGGREGATE_NAMES.has(call.name) && !FUNCTIONS_SCALAR.has(call.name)) {
    throw errorAt(`unsupported aggregate function '${call.name}'`, call.pos);
  }
  if (call.k !== 'call' || !AGGREGATE_NAMES.has(call.name)) {
    throw errorAt('summarize needs an aggregation function call (count, sum, arg_max, ...) for each aggregate', call.pos);
  }
  const fn = call.name;
  const args = call.args;
  const pos = call.pos;
  const arg = (i: number): Compiled => compileExpr(args[i], scope);
  const argName = args[0] ? defaultColumnName(args[0]) : '';

  switch (fn) {
    case 'count': {
      arity(fn, args, pos, 0, 1);
      // count(x) counts every row, nulls included (summarize-operator.md); Microsoft's analyzer reads a
      // bool argument as a predicate instead, so which one Kusto does with a bool is unclear: refuse it.
      if (args[0] && arg(0).type === 'bool')
        throw errorAt('count() of a bool expression is ambiguous; use countif() to count rows where it is true, or count()', pos);
      return single(`count_${argName}`, 'long', () => {
        let n = 0;
        return { add: () => void n++, result: () => [n] };
      });
    }
    case 'countif': {
      arity(fn, args, pos, 1);
      const p = predicate(arg(0));
      return single(`countif_${argName}`, 'long', () => {
        let n = 0;
        return { add: (c) => void (p(c) && n++), result: () => [n] };
      });
    }
    case 'dcount':
    case 'dcountif': {
      arity(fn, args, pos, fn === 'dcount' ? 1 : 2, fn === 'dcount' ? 2 : 3);
      const v = arg(0).ev;
      const p = fn === 'dcountif' ? predicate(arg(1)) : () => true;
      return single(`${fn}_${argName}`, 'long', () => {
        const seen = new Set<string>();
        return {
          add: (c) => {
            if (!p(c)) return;
            const x = v(c);
            if (x !== null && x !== '') seen.add(valueKey(x));
          },
          result: () => [seen.size],
        };
      });
    }
    case 'sum':
    case 'sumif':
    case 'avg':
    case 'avgif': {
      arity(fn, args, pos, fn.endsWith('if') ? 2 : 1);
      const a = arg(0);
      const f = family(a.type);
      if (f !== 'number' && f !== 'dynamic' && f !== 'timespan') throw errorAt(`${fn}() needs a numeric argument, not ${a.type}`, pos);
      const v = a.ev;
      const p = fn.endsWith('if') ? predicate(arg(1)) : () => true;
      const isAvg = fn.startsWith('avg');
      const span = f === 'timespan';
      const type: ColumnType = span ? 'timespan' : isAvg ? 'real' : a.type === 'int' || a.type === 'long' ? 'long' : 'real';
      return single(`${fn}_${argName}`, type, () => {
        let total = 0;
        let n = 0;
        return {
          add: (c) => {
            if (!p(c)) return;
            const x = v(c);
            const num = x instanceof Timespan ? x.ms : typeof x === 'number' ? x : null;
            if (num === null) return;
            total += num;
            n++;
          },
          result: () => {
            // avg of nothing divides by zero: NaN (summarize-operator.md, default values).
            if (n === 0) return [isAvg ? (span ? null : NaN) : span ? new Timespan(0) : 0];
            const r = isAvg ? total / n : total;
            return [span ? new Timespan(r) : r];
          },
        };
      });
    }
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif': {
      arity(fn, args, pos, fn.endsWith('if') ? 2 : 1);
      const a = arg(0);
      const v = a.ev;
      const p = fn.endsWith('if') ? predicate(arg(1)) : () => true;
      const sign = fn.startsWith('max') ? 1 : -1;
      return single(`${fn}_${argName}`, a.type, () => {
        let best: unknown = null;
        return {
          add: (c) => {
            if (!p(c)) return;
            const x = v(c);
            if (x === null) return;
            if (best === null || sign * orderValues(x, best) > 0) best = x;
          },
          result: () => [best],
        };
      });
    }
    case 'make_set':
    case 'make_list':
    case 'make_set_if':
    case 'make_list_if': {
      const isIf = fn.endsWith('_if');
      arity(fn, args, pos, isIf ? 2 : 1, isIf ? 3 : 2);
      const v = arg(0).ev;
      const p = isIf ? predicate(arg(1)) : () => true;
      const maxArg = args[isIf ? 2 : 1];
      const max = sizeLimit(fn, maxArg, scope, pos);
      const isSet = fn.startsWith('make_set');
      return single(`${isSet ? 'set' : 'list'}_${argName}`, 'dynamic', () => {
        const out: unknown[] = [];
        const seen = new Set<string>();
        return {
          add: (c) => {
            if (out.length >= max || !p(c)) return;
            const x = v(c);
            if (x === null) return;
            // An array value contributes its elements, not itself (make-set-aggregation-function.md).
            const items = Array.isArray(x) ? x : [x];
            for (const item of items) {
              if (out.length >= max) return;
              if (isSet) {
                const k = valueKey(item);
                if (seen.has(k)) continue;
                seen.add(k);
              }
              out.push(toJsonValue(item));
            }
          },
          result: () => [out],
        };
      });
    }
    case 'make_bag':
    case 'make_bag_if': {
      const isIf = fn === 'make_bag_if';
      arity(fn, args, pos, isIf ? 2 : 1, isIf ? 3 : 2);
      const bagArg = arg(0);
      if (bagArg.type !== 'dynamic') throw errorAt(`${fn}() needs a dynamic property bag, not ${bagArg.type}`, pos);
      const v = bagArg.ev;
      const p = isIf ? predicate(arg(1)) : () => true;
      const maxArg = args[isIf ? 2 : 1];
      const max = sizeLimit(fn, maxArg, scope, pos);
      return single(`bag_${argName}`, 'dynamic', () => {
        const out: Record<string, unknown> = {};
        let n = 0;
        return {
          add: (c) => {
            if (!p(c)) return;
            const x = v(c);
            // Values that are not property bags are skipped; a repeated key keeps its first value.
            if (!isPlainObject(x)) return;
            for (const k of Object.keys(x)) {
              if (n >= max || Object.prototype.hasOwnProperty.call(out, k)) continue;
              out[k] = toJsonValue(x[k]);
              n++;
            }
          },
          result: () => [out],
        };
      });
    }
    case 'stdev':
    case 'stdevif':
    case 'stdevp':
    case 'variance':
    case 'varianceif':
    case 'variancep': {
      const isIf = fn.endsWith('if');
      arity(fn, args, pos, isIf ? 2 : 1);
      const a = arg(0);
      if (family(a.type) !== 'number' && a.type !== 'dynamic') throw errorAt(`${fn}() needs a numeric argument, not ${a.type}`, pos);
      const v = a.ev;
      const p = isIf ? predicate(arg(1)) : () => true;
      const population = fn.endsWith('p');
      const root = fn.startsWith('stdev');
      return single(`${fn}_${argName}`, 'real', () => {
        const xs: number[] = [];
        return {
          add: (c) => {
            if (!p(c)) return;
            const x = toNumber(v(c));
            if (x !== null) xs.push(x);
          },
          result: () => {
            const n = xs.length;
            // No values, or one value for the sample form: 0, as the default-values table gives.
            if (n === 0 || (n === 1 && !population)) return [0];
            const mean = xs.reduce((s2, x) => s2 + x, 0) / n;
            const sq = xs.reduce((s2, x) => s2 + (x - mean) * (x - mean), 0) / (population ? n : n - 1);
            return [root ? Math.sqrt(sq) : sq];
          },
        };
      });
    }
    case 'percentile':
    case 'percentiles': {
      if (args.length < 2 || (fn === 'percentile' && args.length !== 2))
        throw errorAt(`${fn}() needs an expression and ${fn === 'percentile' ? 'one percentage' : 'percentages'}`, pos);
      const a = arg(0);
      const f = family(a.type);
      if (f !== 'number' && f !== 'datetime' && f !== 'timespan')
        throw errorAt(`${fn}() needs a number, datetime or timespan, not ${a.type}`, pos);
      const ps = args.slice(1).map((x, i) => {
        const c = compileExpr(x, scope);
        const n = c.isConst ? toNumber(c.ev(newCtx())) : null;
        if (n === null || n < 0 || n > 100) throw errorAt(`${fn}() percentage ${i + 1} must be a constant from 0 to 100`, pos);
        return { n, text: x.k === 'lit' || x.k === 'neg' ? String(n).replace('.', '_') : String(n).replace('.', '_') };
      });
      const v = a.ev;
      const key = (x: unknown): number => (x instanceof Date ? x.getTime() : x instanceof Timespan ? x.ms : (x as number));
      return {
        columns: ps.map((p) => ({ name: `percentile_${argName}_${p.text}`, type: a.type })),
        create: () => {
          const xs: unknown[] = [];
          return {
            add: (c) => {
              const x = v(c);
              if (x !== null) xs.push(x);
            },
            result: () => {
              if (xs.length === 0) return ps.map(() => null);
              const sorted = xs.slice().sort((x, y) => key(x) - key(y));
              // Nearest rank: the smallest value with at least P% of the values at or below it.
              return ps.map((p) => sorted[Math.max(0, Math.ceil((p.n / 100) * sorted.length) - 1)]);
            },
          };
        },
      };
    }
    case 'take_any':
    case 'any': {
      if (args.length === 0) throw errorAt(`${fn}() needs at least one argument`, pos);
      const outs = expandOutputs(args, scope, byNames, pos, null);
      const columns = outs.map((o) => ({ name: o.name, type: o.c.type }));
      return {
        columns,
        create: () => {
          let row: unknown[] | null = null;
          return {
            add: (c) => {
              if (row === null) row = outs.map((o) => o.c.ev(c));
            },
            result: () => row ?? outs.map(() => null),
          };
        },
      };
    }
    case 'arg_max':
    case 'arg_min': {
      if (args.length < 1) throw errorAt(`${fn}() needs the expression to maximize`, pos);
      const key = arg(0);
      const keyName = argName || (fn === 'arg_max' ? 'max_' : 'min_');
      const outs = expandOutputs(args.slice(1), scope, byNames, pos, keyName);
      const sign = fn === 'arg_max' ? 1 : -1;
      const columns = [{ name: keyName, type: key.type }, ...outs.map((o) => ({ name: o.name, type: o.c.type }))];
      const kv = key.ev;
      return {
        columns,
        create: () => {
          let best: unknown = null;
          let row: unknown[] | null = null;
          return {
            add: (c) => {
              const x = kv(c);
              if (x === null) {
                // A group whose keys are all null still returns one of its rows (arg-max-aggregation-function.md).
                if (row === null) row = outs.map((o) => o.c.ev(c));
                return;
              }
              if (best === null || sign * orderValues(x, best) > 0) {
                best = x;
                row = outs.map((o) => o.c.ev(c));
              }
            },
            result: () => [best, ...(row ?? outs.map(() => null))],
          };
        },
      };
    }
    default:
      throw errorAt(`unsupported aggregate '${call.name}'`, pos);
  }
}

/** The optional maxSize of make_set/make_list/make_bag: a positive constant (a row's value would be read from no row). */
function sizeLimit(fn: string, written: Expr | undefined, scope: Scope, pos: Pos): number {
  if (written === undefined) return 1048576;
  const c = compileExpr(written, scope);
  const max = c.isConst ? Number(c.ev(newCtx())) : NaN;
  if (!Number.isFinite(max) || max < 1) throw errorAt(`${fn}() size limit must be a positive constant number`, pos);
  return max;
}

/** The columns an arg_max/take_any returns: named expressions, or every column for `*`. */
function expandOutputs(
  args: Expr[],
  scope: Scope,
  byNames: Set<string>,
  pos: Pos,
  keyName: string | null,
): { name: string; c: Compiled }[] {
  const out: { name: string; c: Compiled }[] = [];
  for (const a of args) {
    if (a.k === 'star') {
      for (const n of scope.columnNames()) {
        if (byNames.has(n) || n === keyName) continue;
        out.push({ name: n, c: compileExpr({ k: 'name', name: n, pos }, scope) });
      }
      continue;
    }
    out.push({ name: exprName(a), c: compileExpr(a, scope) });
  }
  return out;
}
