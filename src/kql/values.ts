import type { ColumnType } from './types';

const TICKS_PER_MS = 10_000;

/** A KQL timespan, held in milliseconds (fractions keep sub-millisecond ticks). */
export class Timespan {
  constructor(readonly ms: number) {}

  static fromTicks(ticks: number): Timespan {
    return new Timespan(ticks / TICKS_PER_MS);
  }

  get ticks(): number {
    return Math.round(this.ms * TICKS_PER_MS);
  }

  /** KQL's text form: [-][d.]hh:mm:ss[.fffffff]. */
  toString(): string {
    let ticks = this.ticks;
    const sign = ticks < 0 ? '-' : '';
    ticks = Math.abs(ticks);
    const frac = ticks % 10_000_000;
    let secs = Math.floor(ticks / 10_000_000);
    const days = Math.floor(secs / 86400);
    secs -= days * 86400;
    const hh = Math.floor(secs / 3600);
    const mm = Math.floor((secs % 3600) / 60);
    const ss = secs % 60;
    const two = (n: number): string => String(n).padStart(2, '0');
    return sign + (days > 0 ? `${days}.` : '') + `${two(hh)}:${two(mm)}:${two(ss)}` + (frac > 0 ? '.' + String(frac).padStart(7, '0') : '');
  }
}

const TIMESPAN_TEXT = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** Parses "[-][d.]hh:mm[:ss[.fffffff]]"; undefined when the text is not a timespan. */
export function parseTimespanText(text: string): Timespan | undefined {
  const m = TIMESPAN_TEXT.exec(text.trim());
  if (!m) return undefined;
  const days = m[2] ? Number(m[2]) : 0;
  const ticks =
    (days * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + (m[5] ? Number(m[5]) : 0)) * 10_000_000 +
    (m[6] ? Number(m[6].padEnd(7, '0')) : 0);
  return Timespan.fromTicks(m[1] ? -ticks : ticks);
}

const UNIT_MS: Record<string, number> = {
  d: 86400000,
  day: 86400000,
  days: 86400000,
  h: 3600000,
  hr: 3600000,
  hrs: 3600000,
  hour: 3600000,
  hours: 3600000,
  m: 60000,
  min: 60000,
  minute: 60000,
  minutes: 60000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/** Milliseconds per unit for a timespan literal suffix such as `h` or `ms`; undefined for other words. */
export function timespanUnitMs(unit: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(UNIT_MS, unit.toLowerCase()) ? UNIT_MS[unit.toLowerCase()] : undefined;
}

/** Parses the text KQL accepts inside datetime(...) and todatetime(); undefined when it is not a date. */
export function parseDatetimeText(text: string): Date | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  // Month-first dates (.NET invariant culture, which Kusto parses with): 12-02-2022, 02/17/2016 08:40:01.
  const us = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?$/.exec(t);
  if (us) {
    const [mo, d, y, h, mi, sec] = [us[1], us[2], us[3], us[4] ?? '0', us[5] ?? '0', us[6] ?? '0'].map(Number);
    const ms = us[7] ? Math.round(Number(us[7]) * 1000) : 0;
    const r = new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms));
    return r.getUTCMonth() === mo - 1 && r.getUTCDate() === d && h < 24 && mi < 60 && sec < 60 ? r : undefined;
  }
  // Date-only and naive forms are UTC in KQL, never local time.
  let iso = t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso = iso.replace(' ', 'T') + 'Z';
  else if (/^\d{4}-\d{2}-\d{2} \d/.test(iso)) iso = iso.replace(' ', 'T');
  // JS Date keeps milliseconds only; longer fractions are cut, not rejected.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) && !/^[A-Za-z]{3},? /.test(iso) && !/^\d{1,2} [A-Za-z]{3} \d{4}/.test(iso)) {
    return undefined;
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Timespan);
}

/** ISO 8601 with 7 fractional digits, as Log Analytics prints datetimes. */
export function formatDatetimeIso(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** KQL's tostring(): null → "", dynamic → JSON, datetime → ISO, bool → "true"/"false". */
export function toKqlString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return formatDatetimeIso(v);
  if (v instanceof Timespan) return v.toString();
  return JSON.stringify(toJsonValue(v));
}

function numberToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** A value as it would be stored inside a dynamic: dates and timespans become their text. */
export function toJsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return formatDatetimeIso(v);
  if (v instanceof Timespan) return v.toString();
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = toJsonValue(v[k]);
    return out;
  }
  return v;
}

export function isNumericType(t: ColumnType): boolean {
  return t === 'int' || t === 'long' || t === 'real' || t === 'decimal';
}

/** Total order used by sort, min/max and comparisons of equally typed values; null is handled by callers. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Timespan && b instanceof Timespan) return a.ms - b.ms;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = toKqlString(a);
  const sb = toKqlString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** A string key that identifies a value for grouping, distinct and joins (type-tagged so 1 and "1" differ). */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  if (typeof v === 'string') return 's' + v;
  if (typeof v === 'number') return 'd' + String(v);
  if (typeof v === 'boolean') return v ? 'bt' : 'bf';
  if (v instanceof Date) return 't' + String(v.getTime());
  if (v instanceof Timespan) return 'p' + String(v.ms);
  return 'j' + JSON.stringify(v);
}
