/**
 * Points in time as people read them on cards and in replies: "14:02 UTC",
 * "12 min ago", "3h".
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** "14:02 UTC", or "27 Nov 14:02 UTC" when `now` is given and falls on another UTC day; the year too when it differs. */
export function formatUtcTime(at: Date, now?: Date): string {
  // A stored date that did not parse must not take a whole card or reply down with it.
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) return 'unknown time';
  if (now !== undefined && Number.isNaN(now.getTime())) now = at;
  const time = `${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())} UTC`;
  if (now === undefined || at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return time;
  const year = at.getUTCFullYear() === now.getUTCFullYear() ? '' : ` ${at.getUTCFullYear()}`;
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}${year} ${time}`;
}

/** A stored date that did not parse must not take the whole card down with it. */
function isValid(d: Date): boolean {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** "14:02 UTC"; "27 Nov 14:02 UTC" on another UTC day than `now`; the year too when it differs. */
export function formatUtc(at: Date, now: Date): string {
  return formatUtcTime(at, now);
}

/** "just now", "12 min ago", "3 h ago", "2 days ago"; "in 5 min" when the clock of the source runs ahead. */
export function formatRelative(at: Date, now: Date): string {
  if (!isValid(at) || !isValid(now)) return 'unknown';
  const diffMs = now.getTime() - at.getTime();
  const future = diffMs < 0;
  const minutes = Math.floor(Math.abs(diffMs) / 60_000);
  if (minutes < 1) return 'just now';
  let amount: string;
  if (minutes < 60) amount = `${minutes} min`;
  else if (minutes < 48 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    amount = hours < 6 && rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  } else amount = `${Math.floor(minutes / (24 * 60))} days`;
  return future ? `in ${amount}` : `${amount} ago`;
}

/** Short age for tables: "12m", "3h", "2d". */
export function formatAge(at: Date, now: Date): string {
  if (!isValid(at) || !isValid(now)) return '?';
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / (24 * 60))}d`;
}
