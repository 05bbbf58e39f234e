import type { Compiled } from '../compile/context';
import { constValue, fold } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import type { ColumnType } from '../types';
import { Timespan } from '../values';
import { family, toNumber } from './coerce';

type Fn = (a: unknown, b: unknown) => unknown;

function numericResult(a: ColumnType, b: ColumnType): ColumnType {
  if (a === 'real' || b === 'real' || a === 'decimal' || b === 'decimal' || a === 'dynamic' || b === 'dynamic') return 'real';
  return 'long';
}

function numOp(op: string, integer: boolean): Fn {
  switch (op) {
    case '+':
      return (a, b) => (a as number) + (b as number);
    case '-':
      return (a, b) => (a as number) - (b as number);
    case '*':
      return (a, b) => (a as number) * (b as number);
    case '/':
      // long / long truncates, as in KQL; division by zero gives null rather than Infinity for integers.
      return integer
        ? (a, b) => ((b as number) === 0 ? null : Math.trunc((a as number) / (b as number)))
        : (a, b) => (a as number) / (b as number);
    case '%':
      return (a, b) => ((b as number) === 0 ? null : (a as number) % (b as number));
    default:
      throw new Error(op);
  }
}

/** Datetimes hold milliseconds: adding a constant with finer ticks would be cut silently, so refuse it. */
function subMillisecond(span: Compiled, pos: Pos): void {
  if (!span.isConst) return;
  const v = constValue(span);
  if (v instanceof Timespan && !Number.isInteger(v.ms)) {
    throw errorAt(`unsupported datetime arithmetic with ${v.toString()}: the engine keeps millisecond precision, not 100-ns ticks`, pos);
  }
}

/** + - * / % for numbers, datetimes and timespans; anything else is a KqlError naming both types. */
export function compileArithmetic(op: string, l: Compiled, r: Compiled, pos: Pos): Compiled {
  const fl = family(l.type);
  const fr = family(r.type);
  let type: ColumnType;
  let fn: Fn;
  const bad = (): Error => errorAt(`operator '${op}' cannot combine ${l.type} and ${r.type}`, pos);
  if ((fl === 'number' || fl === 'dynamic') && (fr === 'number' || fr === 'dynamic')) {
    type = numericResult(l.type, r.type);
    const inner = numOp(op, type !== 'real');
    fn =
      fl === 'dynamic' || fr === 'dynamic'
        ? (a, b) => {
            const x = toNumber(a);
            const y = toNumber(b);
            return x === null || y === null ? null : inner(x, y);
          }
        : inner;
  } else if (fl === 'datetime' && fr === 'timespan' && (op === '+' || op === '-')) {
    subMillisecond(r, pos);
    type = 'datetime';
    fn =
      op === '+'
        ? (a, b) => new Date((a as Date).getTime() + (b as Timespan).ms)
        : (a, b) => new Date((a as Date).getTime() - (b as Timespan).ms);
  } else if (fl === 'timespan' && fr === 'datetime' && op === '+') {
    subMillisecond(l, pos);
    type = 'datetime';
    fn = (a, b) => new Date((b as Date).getTime() + (a as Timespan).ms);
  } else if (fl === 'datetime' && fr === 'datetime' && op === '-') {
    type = 'timespan';
    fn = (a, b) => new Timespan((a as Date).getTime() - (b as Date).getTime());
  } else if (fl === 'timespan' && fr === 'timespan') {
    if (op === '+' || op === '-') {
      type = 'timespan';
      fn =
        op === '+'
          ? (a, b) => new Timespan((a as Timespan).ms + (b as Timespan).ms)
          : (a, b) => new Timespan((a as Timespan).ms - (b as Timespan).ms);
    } else if (op === '/') {
      type = 'real';
      fn = (a, b) => ((b as Timespan).ms === 0 ? null : (a as Timespan).ms / (b as Timespan).ms);
    } else if (op === '%') {
      type = 'timespan';
      fn = (a, b) => ((b as Timespan).ms === 0 ? null : new Timespan((a as Timespan).ms % (b as Timespan).ms));
    } else throw bad();
  } else if (fl === 'timespan' && fr === 'number' && (op === '*' || op === '/')) {
    type = 'timespan';
    fn =
      op === '*'
        ? (a, b) => new Timespan((a as Timespan).ms * (b as number))
        : (a, b) => ((b as number) === 0 ? null : new Timespan((a as Timespan).ms / (b as number)));
  } else if (fl === 'number' && fr === 'timespan' && op === '*') {
    type = 'timespan';
    fn = (a, b) => new Timespan((b as Timespan).ms * (a as number));
  } else {
    throw bad();
  }
  const a = l.ev;
  const b = r.ev;
  return fold({
    ev: (c) => {
      const x = a(c);
      if (x === null) return null;
      const y = b(c);
      if (y === null) return null;
      return fn(x, y);
    },
    type,
    isConst: l.isConst && r.isConst,
  });
}

export function compileNegate(v: Compiled, pos: Pos): Compiled {
  const f = family(v.type);
  const e = v.ev;
  if (f === 'number' || f === 'dynamic') {
    return fold({
      ev: (c) => {
        const x = toNumber(e(c));
        return x === null ? null : -x;
      },
      type: f === 'dynamic' ? 'real' : v.type,
      isConst: v.isConst,
    });
  }
  if (f === 'timespan') {
    return fold({
      ev: (c) => {
        const x = e(c) as Timespan | null;
        return x === null ? null : new Timespan(-x.ms);
      },
      type: 'timespan',
      isConst: v.isConst,
    });
  }
  throw errorAt(`cannot negate a ${v.type}`, pos);
}
