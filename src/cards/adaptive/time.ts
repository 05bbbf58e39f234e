/** RFC 3339 without fractions: the only form Adaptive Cards' DATE() and TIME() accept. */
function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A point in time that every reader sees in their own time zone and locale
 * ("Fri, Nov 27, 2026 3:02 PM"): Teams evaluates DATE() and TIME() on the
 * reader's device. An invalid date falls back to the UTC text.
 */
export function localTime(at: Date | undefined, fallback: string): string {
  if (at === undefined || Number.isNaN(at.getTime())) return fallback;
  const t = rfc3339(at);
  return `{{DATE(${t}, SHORT)}} {{TIME(${t})}}`;
}
