import { parseInOneUnit } from '../time/duration';

/**
 * Rule timespans as Sentinel's template converter reads them: "<n>m|h|d", or a
 * .NET TimeSpan ("01:00:00", "1.00:00:00"); ISO 8601 ("PT1H", "P1D") as ARM exports write them.
 */
export function parseRuleTimespan(text: string): number | undefined {
  const s = text.trim();
  const inOneUnit = parseInOneUnit(s);
  if (inOneUnit !== undefined) return inOneUnit;
  let m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (m) {
    const [d, h, min, sec] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3]), Number(m[4])];
    if (h > 23 || min > 59 || sec > 59) return undefined;
    return ((d * 24 + h) * 60 + min) * 60_000 + sec * 1000;
  }
  m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(s);
  if (m && s.length > 1 && !/T$/i.test(s)) {
    return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
  }
  return undefined;
}

export const MIN_FREQUENCY_MS = 5 * 60_000;
export const MAX_PERIOD_MS = 14 * 86_400_000;

/**
 * A cron expression that fires every `ms`: 5m → "*\/5 * * * *", 1h → "0 * * * *",
 * 1d → "0 0 * * *". Undefined when no plain cron expresses it (e.g. 7m, 5h, 3d).
 */
export function frequencyToCron(ms: number): string | undefined {
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes) || minutes <= 0) return undefined;
  if (minutes < 60) return 60 % minutes === 0 ? (minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`) : undefined;
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours < 24) {
    if (24 % hours !== 0) return undefined;
    return hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
  }
  const days = minutes / 1440;
  if (days === 1) return '0 0 * * *';
  if (days === 7) return '0 0 * * 0';
  return undefined;
}
