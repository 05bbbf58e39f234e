/**
 * Exponential backoff with equal jitter: the ceiling is base·2^(attempt-1), capped
 * at max; the delay is half the ceiling plus a random share of the other half. The
 * fixed half keeps retries from coming back at once; the random half keeps many
 * deliveries' retries from lining up.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
