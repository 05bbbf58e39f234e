import type { Compiled, Ev } from '../compile/context';
import { fold } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import type { ColumnType } from '../types';
import { compareValues } from '../values';
import { asText, convertTo, family } from './coerce';
import { stringNumberOperands } from './string-number';

type Fam = ReturnType<typeof family>;

/** The key a value of a family compares by: numbers as-is, dates and timespans as numbers. */
function keyOf(f: Fam): (v: unknown) => unknown {
  switch (f) {
    case 'datetime':
      return (v) => (v instanceof Date ? v.getTime() : null);
    case 'timespan':
      return (v) => (v !== null && typeof v === 'object' && 'ms' in v ? (v as { ms: number }).ms : null);
    default:
      return (v) => v;
  }
}

/**
 * The result when an operand is null: == and != treat "null vs a value" as unequal (false / true),
 * everything else, and two nulls, give null (null-values.md).
 */
function withNull(op: string, xNull: boolean, yNull: boolean): boolean | null {
  if (xNull && yNull) return null;
  if (op === '==') return false;
  if (op === '!=') return true;
  return null;
}

function comparable(a: Fam, b: Fam): boolean {
  return a === b || a === 'dynamic' || b === 'dynamic';
}

/** ==, !=, <, <=, >, >= with KQL's rules: null compares to nothing; strings compare case-sensitively. */
export function compileComparison(op: string, l: Compiled, r: Compiled, pos: Pos): Compiled {
  const asStrings = stringNumberOperands(op, l, r);
  if (asStrings !== undefined) [l, r] = asStrings;
  const fl = family(l.type);
  const fr = family(r.type);
  if (!comparable(fl, fr)) {
    throw errorAt(`cannot compare ${l.type} with ${r.type} using '${op}'`, pos);
  }
  const isConst = l.isConst && r.isConst;
  // Both strings: empty and null are the same value in KQL.
  if (fl === 'string' && fr === 'string') {
    const a = l.ev;
    const b = r.ev;
    const test = relation(op);
    return fold({
      ev: (c) => {
        const x = a(c);
        const y = b(c);
        return test(x === null ? '' : (x as string), y === null ? '' : (y as string));
      },
      type: 'bool',
      isConst,
    });
  }
  if (fl !== 'dynamic' && fr !== 'dynamic') {
    if (fl === 'bool' && op !== '==' && op !== '!=') throw errorAt(`cannot order bool values with '${op}'`, pos);
    const kl = keyOf(fl);
    const kr = keyOf(fr);
    const test = relation(op);
    const a = l.ev;
    const b = r.ev;
    if (r.isConst) {
      const y = kr(b(null as never));
      if (y === null || y === undefined) {
        return fold({
          ev: (c) => {
            const x = kl(a(c));
            return withNull(op, x === null || x === undefined, true);
          },
          type: 'bool',
          isConst,
        });
      }
      if (fl === 'datetime' && typeof y === 'number') return fold({ ev: datetimeVsConst(op, a, y), type: 'bool', isConst });
      const onNull = withNull(op, true, false);
      return fold({
        ev: (c) => {
          const x = kl(a(c));
          return x === null || x === undefined ? onNull : test(x, y);
        },
        type: 'bool',
        isConst,
      });
    }
    return fold({
      ev: (c) => {
        const x = kl(a(c));
        const y = kr(b(c));
        const xn = x === null || x === undefined;
        const yn = y === null || y === undefined;
        return xn || yn ? withNull(op, xn, yn) : test(x, y);
      },
      type: 'bool',
      isConst,
    });
  }
  // A dynamic side: convert it to the other side's type (strings by their text form).
  const test = relation(op);
  if (fl === 'dynamic' && fr !== 'dynamic') return dynamicVs(op, l.ev, r, test, false, isConst);
  if (fr === 'dynamic' && fl !== 'dynamic') return dynamicVs(op, r.ev, l, test, true, isConst);
  const a = l.ev;
  const b = r.ev;
  return fold({
    ev: (c) => {
      const x = a(c);
      const y = b(c);
      if (x === null || y === null) return withNull(op, x === null, y === null);
      if (typeof x === 'object' || typeof y === 'object') {
        return op === '==' ? JSON.stringify(x) === JSON.stringify(y) : op === '!=' ? JSON.stringify(x) !== JSON.stringify(y) : null;
      }
      if (typeof x !== typeof y) return op === '!=' ? true : op === '==' ? false : null;
      return test(x, y);
    },
    type: 'bool',
    isConst,
  });
}

function dynamicVs(
  op: string,
  dyn: Ev,
  other: Compiled,
  test: (a: unknown, b: unknown) => boolean,
  swapped: boolean,
  isConst: boolean,
): Compiled {
  const t: ColumnType = other.type;
  const f = family(t);
  const key = keyOf(f);
  const o = other.ev;
  if (f === 'string' && other.isConst) {
    const s = (o(null as never) as string | null) ?? '';
    return fold({
      ev: (c) => {
        const v = dyn(c);
        if (v === null) return withNull(op, true, false);
        const x = typeof v === 'string' ? v : asText(v);
        return swapped ? test(s, x) : test(x, s);
      },
      type: 'bool',
      isConst,
    });
  }
  return fold({
    ev: (c) => {
      const v = dyn(c);
      const w = o(c);
      if (v === null || w === null) return withNull(op, v === null, w === null);
      const x = key(convertTo(v, t));
      const y = key(w);
      if (x === null) return withNull(op, true, false);
      return swapped ? test(y, x) : test(x, y);
    },
    type: 'bool',
    isConst,
  });
}

function relation(op: string): (a: unknown, b: unknown) => boolean {
  switch (op) {
    case '==':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
    case '<':
      return (a, b) => (a as number) < (b as number);
    case '<=':
      return (a, b) => (a as number) <= (b as number);
    case '>':
      return (a, b) => (a as number) > (b as number);
    case '>=':
      return (a, b) => (a as number) >= (b as number);
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}

/** Orders two non-null values for sort, min, max and top. */
export function orderValues(a: unknown, b: unknown): number {
  return compareValues(a, b);
}

/** The hot path of time filters: a datetime column against a constant instant. */
function datetimeVsConst(op: string, a: Ev, y: number): Ev {
  const get = (c: Parameters<Ev>[0]): number | null => {
    const x = a(c);
    return x instanceof Date ? x.getTime() : null;
  };
  switch (op) {
    case '==':
      return (c) => {
        const x = get(c);
        return x === null ? false : x === y;
      };
    case '!=':
      return (c) => {
        const x = get(c);
        return x === null ? true : x !== y;
      };
    case '>':
      return (c) => {
        const x = get(c);
        return x === null ? null : x > y;
      };
    case '>=':
      return (c) => {
        const x = get(c);
        return x === null ? null : x >= y;
      };
    case '<':
      return (c) => {
        const x = get(c);
        return x === null ? null : x < y;
      };
    case '<=':
      return (c) => {
        const x = get(c);
        return x === null ? null : x <= y;
      };
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}
