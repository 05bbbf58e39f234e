/**
 * Durations, read and written, for every layer: configuration (`90s`, `1h30m`),
 * hunt look-backs and rule timespans (`90m`, `24h`, `7d`), and the words cards
 * and messages show ("7 days", "90 min", "1 hour").
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const MINUTE = UNIT_MS.m;
const HOUR = UNIT_MS.h;
const DAY = UNIT_MS.d;

const PART = /(\d+)(ms|s|m|h|d)/gy;

export const DURATION_HINT = 'a whole number and a unit (ms, s, m, h, d), e.g. 10m, 6h, 7d or 1h30m';

/**
 * The timespan syntax of configuration: a whole number and a unit, optionally
 * chained (`90s`, `10m`, `6h`, `7d`, `1h30m`). Milliseconds; throws a RangeError
 * that quotes the text and the accepted form.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string') {
    throw new RangeError(`duration must be a string (${DURATION_HINT}), got ${typeof text}`);
  }
  const source = text.trim();
  if (source === '') {
    throw new RangeError(`empty duration: expected ${DURATION_HINT}`);
  }
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (;;) {
    const match = PART.exec(source);
    if (match === null) break;
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = PART.lastIndex;
  }
  if (consumed !== source.length) {
    throw new RangeError(`"${source}" is not a duration: expected ${DURATION_HINT}`);
  }
  if (!Number.isSafeInteger(total)) {
    throw new RangeError(`"${source}" is too long a duration`);
  }
  return total;
}

/** The shortest exact rendering in the configuration syntax (600000 → "10m", 5400000 → "1h30m"). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`cannot format ${ms} as a duration`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const ONE_UNIT = /^(\d+)([mhd])$/;

/** "<n>m", "<n>h" or "<n>d" (look-backs, rule timespans) → milliseconds; undefined for anything else. */
export function parseInOneUnit(text: string): number | undefined {
  const m = ONE_UNIT.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** 604800000 → "7d", 5400000 → "90m": the largest of d, h, m that divides evenly. */
export function formatInOneUnit(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${Math.round(ms / MINUTE)}m`;
}

/** "7 days", "24 h", "90 min" (look-back windows on cards). */
export function durationShortWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE));
  if (minutes % (24 * 60) === 0 && minutes >= 24 * 60) {
    const days = minutes / (24 * 60);
    return days === 1 ? '1 day' : `${days} days`;
  }
  if (minutes % 60 === 0 && minutes >= 60) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** "15 minutes", "1 hour", "90 minutes" (sentences in messages). */
export function durationWords(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** "7 days", "36 hours", "90 minutes": the largest of day, hour, minute that divides evenly (hunt reports). */
export function spanWords(ms: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms % DAY === 0) return plural(ms / DAY, 'day');
  if (ms % HOUR === 0) return plural(ms / HOUR, 'hour');
  return plural(Math.max(1, Math.round(ms / MINUTE)), 'minute');
}
