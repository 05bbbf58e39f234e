import type { Expr } from '../ast';
import { compileUserCall } from './user-function';
import { TUPLE_FUNCTIONS } from '../functions/series';
import { TUPLE_ITEM } from '../ast';
import { errorAt, KqlError } from '../errors';
import { FUNCTIONS } from '../functions/scalar';
import { TYPE_ARG_FUNCTIONS, TypeArg } from '../functions/args';
import { AGGREGATE_NAMES } from '../functions/aggregate-names';
import { compileArithmetic, compileNegate } from '../operators/arith';
import { compileComparison } from '../operators/compare';
import { compileHasAny, compileIn, compileMatches, compileStringOp } from '../operators/strings';
import { toBool } from '../operators/coerce';
import { isPlainObject } from '../values';
import { constant, fold, type Compiled, type Ctx, type Ev, type Scope, type SubqueryColumn } from './context';

const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

const getters = new Map<string, (v: object) => unknown>();

/**
 * `v => v["name"]` as its own function per property name, so V8 caches each lookup separately
 * (one shared `v[name]` turns megamorphic once several names go through it). JSON.stringify
 * always yields one string literal, so the name cannot change the generated code.
 */
function propertyGetter(name: string): (v: object) => unknown {
  let fn = getters.get(name);
  if (!fn) {
    fn = new Function('v', `const r = v[${JSON.stringify(name)}]; return r === undefined ? null : r;`) as (v: object) => unknown;
    getters.set(name, fn);
  }
  return fn;
}

/** Compiles a scalar expression against the columns in scope into one closure tree. */
export function compileExpr(e: Expr, scope: Scope): Compiled {
  switch (e.k) {
    case 'lit':
      return constant(e.value, e.type === 'null' ? 'dynamic' : e.type);
    case 'name': {
      const col = scope.column(e.name);
      if (col) return { ev: col.ev, type: col.type, isConst: false };
      const let_ = scope.lets.get(e.name);
      if (let_) return let_;
      throw errorAt(`unknown column or name '${e.name}'`, e.pos);
    }
    case 'side':
      throw errorAt(`$${e.side} is only allowed in a join's on clause`, e.pos);
    case 'star':
      throw errorAt("'*' is only allowed as an argument of arg_max/arg_min/take_any", e.pos);
    case 'toscalar': {
      if (!scope.subquery) throw errorAt('unsupported toscalar() here', e.pos);
      const { type, values } = scope.subquery(e.query);
      return constant(values[0] ?? null, type);
    }
    case 'typeof':
      throw errorAt('typeof() is only allowed as the type argument of extract() or extract_json()', e.pos);
    case 'member':
      return memberAccess(compileExpr(e.obj, scope), e.name, e.pos);
    case 'index': {
      const obj = compileExpr(e.obj, scope);
      const idx = compileExpr(e.index, scope);
      if (obj.type !== 'dynamic') throw errorAt(`cannot index into a ${obj.type} value; only dynamic values have elements`, e.pos);
      if (idx.isConst && typeof idx.ev(null as never) === 'string') return memberAccess(obj, idx.ev(null as never) as string, e.pos);
      const o = obj.ev;
      const i = idx.ev;
      return fold({
        ev: (c) => {
          const v = o(c);
          const k = i(c);
          if (Array.isArray(v) && typeof k === 'number') {
            const at = k < 0 ? v.length + k : k;
            const r = v[at];
            return r === undefined ? null : r;
          }
          if (isPlainObject(v) && typeof k === 'string' && Object.prototype.hasOwnProperty.call(v, k)) return v[k] ?? null;
          return null;
        },
        type: 'dynamic',
        isConst: obj.isConst && idx.isConst,
      });
    }
    case 'neg':
      return compileNegate(compileExpr(e.operand, scope), e.pos);
    case 'binary':
      return compileBinary(e, scope);
    case 'in': {
      const l = compileExpr(e.left, scope);
      const list = tabularList(e, scope) ?? e.list.map((x) => compileExpr(x, scope));
      if (e.op === 'has_any' || e.op === 'has_all') return compileHasAny(e.op, l, list, e.pos);
      return compileIn(e.op, l, list, e.pos);
    }
    case 'between': {
      const l = compileExpr(e.left, scope);
      const lo = compileExpr(e.lo, scope);
      let hi = compileExpr(e.hi, scope);
      // `d between (start .. 1h)`: a timespan upper bound is relative to the lower bound.
      if (lo.type === 'datetime' && hi.type === 'timespan') hi = compileArithmetic('+', lo, hi, e.pos);
      const ge = compileComparison('>=', l, lo, e.pos).ev;
      const le = compileComparison('<=', l, hi, e.pos).ev;
      const neg = e.negated;
      return fold({
        ev: (c) => {
          const a = ge(c);
          const b = le(c);
          if (a === null || b === null) return null;
          return neg ? !(a && b) : a === true && b === true;
        },
        type: 'bool',
        isConst: l.isConst && lo.isConst && hi.isConst,
      });
    }
    case 'call': {
      // Function names are case-sensitive in KQL.
      const name = e.name;
      if (name === TUPLE_ITEM) return compileTupleItem(e, scope);
      if (Object.prototype.hasOwnProperty.call(TUPLE_FUNCTIONS, name)) {
        const outs = (TUPLE_FUNCTIONS[name] as { outputs: string[] }).outputs;
        throw errorAt(
          `${name}() returns ${outs.length} values (${outs.join(', ')}): assign them with extend (${outs.join(', ')}) = ${name}(...)`,
          e.pos,
        );
      }
      const udf = scope.functions?.get(name);
      if (udf !== undefined) return compileUserCall(udf, e, scope, compileExpr);
      if (AGGREGATE_NAMES.has(name)) throw errorAt(`aggregate function '${e.name}' is only allowed in summarize`, e.pos);
      const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!fn) throw errorAt(`unsupported function '${e.name}'`, e.pos);
      const typed = TYPE_ARG_FUNCTIONS.has(name);
      const args = e.args.map((a) => (typed && a.k === 'typeof' ? constant(new TypeArg(a.type), 'dynamic') : compileExpr(a, scope)));
      return fn(args, e.pos, scope);
    }
  }
}

/**
 * The values of `x in (T | project y)`, or of `x in (T)` when T is a table or tabular let rather
 * than a column or scalar let: the query runs once, and its first column becomes the list.
 */
function tabularList(e: Extract<Expr, { k: 'in' }>, scope: Scope): Compiled[] | undefined {
  let query = e.sub;
  const only = e.list.length === 1 ? e.list[0] : undefined;
  if (!query && only?.k === 'name' && !scope.column(only.name) && !scope.lets.has(only.name)) {
    query = { source: { k: 'table', name: only.name, pos: only.pos }, ops: [], pos: only.pos };
  }
  if (!query) return undefined;
  if (!scope.subquery) throw errorAt(`unsupported tabular subquery in '${e.op}' here`, e.pos);
  let result: SubqueryColumn;
  try {
    result = scope.subquery(query);
  } catch (err) {
    // A bare name that is no table either: say what it could have been.
    if (!e.sub && only?.k === 'name' && err instanceof KqlError && err.message.startsWith('unknown table'))
      throw errorAt(`unknown column, let or table '${only.name}'`, only.pos);
    throw err;
  }
  const { type, values } = result;
  return [constant(values, type)];
}

function memberAccess(obj: Compiled, name: string, pos: { line: number; column: number }): Compiled {
  if (obj.type !== 'dynamic') throw errorAt(`cannot access '.${name}' of a ${obj.type} value; only dynamic values have properties`, pos);
  const o = obj.ev;
  const guarded = PROTO_NAMES.has(name);
  const ev: Ev = guarded
    ? (c) => {
        const v = o(c);
        return isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, name) ? (v[name] ?? null) : null;
      }
    : ((get) => (c: Ctx) => {
        const v = o(c);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
        return get(v);
      })(propertyGetter(name));
  return fold({ ev, type: 'dynamic', isConst: obj.isConst });
}

function compileBinary(e: Extract<Expr, { k: 'binary' }>, scope: Scope): Compiled {
  const l = compileExpr(e.left, scope);
  const r = compileExpr(e.right, scope);
  switch (e.op) {
    case 'and':
    case 'or':
      return logical(e.op, l, r, e.pos);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compileComparison(e.op, l, r, e.pos);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return compileArithmetic(e.op, l, r, e.pos);
    case 'matches regex':
      return compileMatches(l, r, e.pos);
    default:
      return compileStringOp(e.op, l, r, e.pos);
  }
}

function logical(op: 'and' | 'or', l: Compiled, r: Compiled, pos: { line: number; column: number }): Compiled {
  for (const side of [l, r]) {
    if (side.type !== 'bool' && side.type !== 'dynamic') throw errorAt(`'${op}' needs bool operands, not ${side.type}`, pos);
  }
  const a = l.type === 'bool' ? l.ev : (c: Parameters<Ev>[0]) => toBool(l.ev(c));
  const b = r.type === 'bool' ? r.ev : (c: Parameters<Ev>[0]) => toBool(r.ev(c));
  const ev: Ev =
    op === 'and'
      ? (c) => {
          const x = a(c);
          if (x === false) return false;
          const y = b(c);
          if (y === false) return false;
          return x === true && y === true ? true : null;
        }
      : (c) => {
          const x = a(c);
          if (x === true) return true;
          const y = b(c);
          if (y === true) return true;
          return x === false && y === false ? false : null;
        };
  return fold({ ev, type: 'bool', isConst: l.isConst && r.isConst });
}

/** Output i of a multi-output function, from `extend (a, b, c) = f(...)` (the parser writes one per name). */
function compileTupleItem(e: Extract<Expr, { k: 'call' }>, scope: Scope): Compiled {
  const [inner, index] = e.args;
  const i = index?.k === 'lit' && typeof index.value === 'number' ? index.value : -1;
  const fn =
    inner?.k === 'call' && Object.prototype.hasOwnProperty.call(TUPLE_FUNCTIONS, inner.name) ? TUPLE_FUNCTIONS[inner.name] : undefined;
  if (inner?.k !== 'call' || fn === undefined) {
    throw errorAt(`unsupported tuple assignment: only ${Object.keys(TUPLE_FUNCTIONS).join(', ')} return several values`, e.pos);
  }
  if (i < 0 || i >= fn.outputs.length) throw errorAt(`${inner.name}() returns ${fn.outputs.length} values, not ${i + 1}`, e.pos);
  const all = fn.impl(
    inner.args.map((a) => compileExpr(a, scope)),
    inner.pos,
    scope,
  ).ev;
  return {
    ev: (c) => {
      const v = all(c);
      return Array.isArray(v) ? (v[i] ?? null) : null;
    },
    type: 'dynamic',
    isConst: false,
  };
}
