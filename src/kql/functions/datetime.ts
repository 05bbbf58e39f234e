import { call, constValue, type Compiled, type FunctionImpl } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { asText, toNumber } from '../operators/coerce';
import { Timespan } from '../values';
import { arity, need } from './args';

const DAY = 86_400_000;

/** Calendar arithmetic in UTC; a month or year offset keeps the day of month where it exists. */
function addMonths(d: Date, months: number): Date {
  const r = new Date(d.getTime());
  const day = r.getUTCDate();
  r.setUTCDate(1);
  r.setUTCMonth(r.getUTCMonth() + months);
  const last = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
  r.setUTCDate(Math.min(day, last));
  return r;
}

type Unit = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond' | 'nanosecond';

const UNITS = new Set<Unit>([
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'microsecond',
  'nanosecond',
]);

/** The period argument of datetime_add/datetime_diff/datetime_part: a constant, case-insensitive. */
function unitArg(name: string, c: Compiled, pos: Pos): Unit {
  if (!c.isConst) throw errorAt(`${name}() needs a constant period`, pos);
  const u = asText(constValue(c)).toLowerCase() as Unit;
  if (!UNITS.has(u)) throw errorAt(`${name}(): unknown period '${asText(constValue(c))}'`, pos);
  return u;
}

const FIXED_MS: Partial<Record<Unit, number>> = {
  week: 7 * DAY,
  day: DAY,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  microsecond: 0.001,
  nanosecond: 0.000001,
};

function startOfWeek(d: Date): number {
  const day = Math.floor(d.getTime() / DAY) * DAY;
  return day - new Date(day).getUTCDay() * DAY; // weeks start on Sunday
}

/** Offsets are whole numbers of periods; anything else yields null, as a bad argument does in Kusto. */
function offsetOf(v: unknown): number | null {
  if (v === undefined) return 0;
  const n = toNumber(v);
  return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
}

function startOf(unit: 'day' | 'week' | 'month' | 'year'): FunctionImpl {
  const name = `startof${unit}`;
  return (args, pos) => {
    arity(name, args, pos, 1, 2);
    need(name, args[0], pos, 'datetime');
    if (args[1]) need(name, args[1], pos, 'number');
    return call(args, 'datetime', (d, off) => {
      const o = offsetOf(off);
      if (d === null || o === null) return null;
      const t = d as Date;
      switch (unit) {
        case 'day':
          return new Date(Math.floor(t.getTime() / DAY) * DAY + o * DAY);
        case 'week':
          return new Date(startOfWeek(t) + o * 7 * DAY);
        case 'month':
          return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + o, 1));
        case 'year':
          return new Date(Date.UTC(t.getUTCFullYear() + o, 0, 1));
      }
    });
  };
}

/** The end of a period is one tick before the next one starts; the engine keeps milliseconds only. */
function endOf(unit: string): FunctionImpl {
  return (_args, pos) => {
    throw errorAt(
      `unsupported function 'endof${unit}': its result (…59.9999999) needs 100-ns precision, which the engine does not keep; compare with < startof${unit}(d, 1) instead`,
      pos,
    );
  };
}

function diff(unit: Unit, a: Date, b: Date): number {
  switch (unit) {
    case 'year':
      return a.getUTCFullYear() - b.getUTCFullYear();
    case 'quarter':
      return a.getUTCFullYear() * 4 + Math.floor(a.getUTCMonth() / 3) - (b.getUTCFullYear() * 4 + Math.floor(b.getUTCMonth() / 3));
    case 'month':
      return a.getUTCFullYear() * 12 + a.getUTCMonth() - (b.getUTCFullYear() * 12 + b.getUTCMonth());
    case 'week':
      return Math.round((startOfWeek(a) - startOfWeek(b)) / (7 * DAY));
    default: {
      // Count the period boundaries between the two: truncate both to the period, then subtract.
      const ms = FIXED_MS[unit] as number;
      if (ms < 1) return Math.round((a.getTime() - b.getTime()) / ms);
      return Math.floor(a.getTime() / ms) - Math.floor(b.getTime() / ms);
    }
  }
}

function add(unit: Unit, n: number, d: Date): Date {
  switch (unit) {
    case 'year':
      return addMonths(d, 12 * n);
    case 'quarter':
      return addMonths(d, 3 * n);
    case 'month':
      return addMonths(d, n);
    default:
      return new Date(d.getTime() + n * (FIXED_MS[unit] as number));
  }
}

function part(name: string, pick: (d: Date) => number): FunctionImpl {
  return (args, pos) => {
    arity(name, args, pos, 1);
    need(name, args[0], pos, 'datetime');
    return call(args, 'int', (d) => (d === null ? null : pick(d as Date)));
  };
}

export const DATETIME_FUNCTIONS: Record<string, FunctionImpl> = {
  startofday: startOf('day'),
  startofweek: startOf('week'),
  startofmonth: startOf('month'),
  startofyear: startOf('year'),
  endofday: endOf('day'),
  endofweek: endOf('week'),
  endofmonth: endOf('month'),
  endofyear: endOf('year'),
  datetime_diff: (args, pos) => {
    arity('datetime_diff', args, pos, 3);
    const unit = unitArg('datetime_diff', args[0], pos);
    need('datetime_diff', args[1], pos, 'datetime');
    need('datetime_diff', args[2], pos, 'datetime');
    return call([args[1], args[2]], 'long', (a, b) => (a === null || b === null ? null : diff(unit, a as Date, b as Date)));
  },
  datetime_add: (args, pos) => {
    arity('datetime_add', args, pos, 3);
    const unit = unitArg('datetime_add', args[0], pos);
    need('datetime_add', args[1], pos, 'number');
    need('datetime_add', args[2], pos, 'datetime');
    if (unit === 'microsecond' || unit === 'nanosecond')
      throw errorAt(`datetime_add('${unit}', ...) needs sub-millisecond precision, which the engine does not keep`, pos);
    return call([args[1], args[2]], 'datetime', (n, d) => {
      const k = offsetOf(n);
      return d === null || k === null || n === null ? null : add(unit, k, d as Date);
    });
  },
  datetime_part: (args, pos) => {
    arity('datetime_part', args, pos, 2);
    const unit = unitArg('datetime_part', args[0], pos);
    need('datetime_part', args[1], pos, 'datetime');
    const pick: Record<Unit, ((d: Date) => number) | undefined> = {
      year: (d) => d.getUTCFullYear(),
      quarter: (d) => Math.floor(d.getUTCMonth() / 3) + 1,
      month: (d) => d.getUTCMonth() + 1,
      week: undefined,
      day: (d) => d.getUTCDate(),
      hour: (d) => d.getUTCHours(),
      minute: (d) => d.getUTCMinutes(),
      second: (d) => d.getUTCSeconds(),
      millisecond: (d) => d.getUTCMilliseconds(),
      microsecond: (d) => d.getUTCMilliseconds() * 1000,
      nanosecond: (d) => d.getUTCMilliseconds() * 1_000_000,
    };
    const f = pick[unit];
    if (!f) throw errorAt("datetime_part('week', ...) is not supported (ISO week numbering)", pos);
    return call([args[1]], 'int', (d) => (d === null ? null : f(d as Date)));
  },
  dayofweek: (args, pos) => {
    arity('dayofweek', args, pos, 1);
    need('dayofweek', args[0], pos, 'datetime');
    return call(args, 'timespan', (d) => (d === null ? null : new Timespan((d as Date).getUTCDay() * DAY)));
  },
  dayofmonth: part('dayofmonth', (d) => d.getUTCDate()),
  dayofyear: part('dayofyear', (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1),
  hourofday: part('hourofday', (d) => d.getUTCHours()),
  getmonth: part('getmonth', (d) => d.getUTCMonth() + 1),
  monthofyear: part('monthofyear', (d) => d.getUTCMonth() + 1),
  getyear: part('getyear', (d) => d.getUTCFullYear()),
  make_datetime: (args, pos) => {
    arity('make_datetime', args, pos, 3, 7);
    for (const a of args) need('make_datetime', a, pos, 'number');
    return call(args, 'datetime', (...vs) => {
      const n = vs.map((v) => toNumber(v));
      if (n.some((x) => x === null)) return null;
      const [y, mo, d, h = 0, mi = 0, s = 0] = n as number[];
      const whole = Math.floor(s);
      const t = Date.UTC(y, mo - 1, d, h, mi, whole) + Math.round((s - whole) * 1000);
      const r = new Date(t);
      // An out-of-range part (month 13, day 32) is null, not rolled over.
      if (r.getUTCFullYear() !== y || r.getUTCMonth() !== mo - 1 || r.getUTCDate() !== d || h > 23 || mi > 59 || s >= 60) return null;
      return r;
    });
  },
  unixtime_seconds_todatetime: (args, pos) => {
    arity('unixtime_seconds_todatetime', args, pos, 1);
    need('unixtime_seconds_todatetime', args[0], pos, 'number', 'dynamic');
    return call(args, 'datetime', (v) => {
      const n = toNumber(v);
      return n === null ? null : new Date(n * 1000);
    });
  },
  unixtime_milliseconds_todatetime: (args, pos) => {
    arity('unixtime_milliseconds_todatetime', args, pos, 1);
    need('unixtime_milliseconds_todatetime', args[0], pos, 'number', 'dynamic');
    return call(args, 'datetime', (v) => {
      const n = toNumber(v);
      return n === null ? null : new Date(n);
    });
  },
};
