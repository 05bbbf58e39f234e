import type { ColumnType } from '../types';
import { isNumericType, parseDatetimeText, parseTimespanText, Timespan, toKqlString } from '../values';

/** The string a value offers to string operators (has, contains, =~ ...): KQL's tostring, null → "". */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : toKqlString(v);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    // Decimal text only: JS Number() would also read "0x10", "0b1" and "" as numbers.
    if (!DECIMAL.test(t) && t !== 'Infinity' && t !== '-Infinity') return null;
    return Number(t);
  }
  if (v instanceof Timespan) return v.ticks;
  if (v instanceof Date) return v.getTime() * 10000 + 621355968000000000;
  return null;
}

export function toDate(v: unknown): Date | null {
  if (v instanceof Date) return v;
  if (typeof v === 'string') return parseDatetimeText(v) ?? null;
  return null;
}

export function toTimespan(v: unknown): Timespan | null {
  if (v instanceof Timespan) return v;
  if (typeof v === 'string') return parseTimespanText(v) ?? null;
  if (typeof v === 'number') return Timespan.fromTicks(v);
  return null;
}

export function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    const n = toNumber(t);
    return n === null ? null : n !== 0;
  }
  return null;
}

/** Converts a runtime value (often out of a dynamic) to the given static type; null when it does not fit. */
export function convertTo(v: unknown, type: ColumnType): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'string' || type === 'guid') return asText(v);
  if (isNumericType(type)) return typeof v === 'number' ? v : toNumber(v);
  if (type === 'datetime') return toDate(v);
  if (type === 'timespan') return toTimespan(v);
  if (type === 'bool') return toBool(v);
  return v;
}

/** The family a type belongs to for comparisons. */
export function family(t: ColumnType): 'string' | 'number' | 'datetime' | 'timespan' | 'bool' | 'dynamic' {
  if (t === 'string' || t === 'guid') return 'string';
  if (isNumericType(t)) return 'number';
  if (t === 'datetime' || t === 'timespan' || t === 'bool' || t === 'dynamic') return t;
  return 'dynamic';
}
