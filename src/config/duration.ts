/**
 * The one timespan syntax used across configuration: a whole number and a unit,
 * optionally chained (`90s`, `10m`, `6h`, `7d`, `1h30m`).
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+)(ms|s|m|h|d)/gy;

export const DURATION_HINT = 'a whole number and a unit (ms, s, m, h, d), e.g. 10m, 6h, 7d or 1h30m';

/** Milliseconds in `text`; throws a RangeError that quotes the text and the accepted form. */
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

/** The shortest exact rendering in the same syntax (600000 → "10m"). */
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
