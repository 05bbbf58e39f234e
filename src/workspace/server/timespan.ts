/** Log Analytics' `timespan` parameter: ISO 8601 `start/end`, `start/duration`, `duration/end` or `duration` (ending now). */

export class TimespanError extends Error {
  override name = 'TimespanError';
}

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds of an ISO 8601 duration such as PT2H or P1DT30M; undefined when the text is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || /T$/i.test(text)) return undefined;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}

function parseInstant(text: string): Date | undefined {
  if (!DATETIME.test(text)) return undefined;
  // A datetime without an offset is UTC for the service, never local time.
  const iso = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parseTimespan(text: string, now: Date): { start: Date; end: Date } {
  const parts = text.trim().split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new TimespanError(
      `timespan ${JSON.stringify(text)} is not ISO 8601: use "<start>/<end>", "<start>/<duration>", "<duration>/<end>" or "<duration>" (e.g. "PT2H")`,
    );
  }
  const what = (p: string): { date?: Date; ms?: number } => {
    const date = parseInstant(p);
    if (date) return { date };
    const ms = parseIsoDuration(p);
    if (ms !== undefined) return { ms };
    if (/^P/i.test(p) && /[YM]/i.test(p.split(/T/i)[0])) {
      throw new TimespanError(
        `timespan ${JSON.stringify(text)}: years and months are not supported, give the duration in weeks, days, hours, minutes or seconds`,
      );
    }
    throw new TimespanError(`timespan ${JSON.stringify(text)}: ${JSON.stringify(p)} is neither an ISO 8601 datetime nor a duration`);
  };
  let start: Date;
  let end: Date;
  if (parts.length === 1) {
    const a = what(parts[0]);
    if (a.ms === undefined) throw new TimespanError(`timespan ${JSON.stringify(text)}: a single value must be a duration such as PT1H`);
    end = now;
    start = new Date(now.getTime() - a.ms);
  } else {
    const a = what(parts[0]);
    const b = what(parts[1]);
    if (a.date && b.date) [start, end] = [a.date, b.date];
    else if (a.date && b.ms !== undefined) [start, end] = [a.date, new Date(a.date.getTime() + b.ms)];
    else if (a.ms !== undefined && b.date) [start, end] = [new Date(b.date.getTime() - a.ms), b.date];
    else throw new TimespanError(`timespan ${JSON.stringify(text)}: two durations give no anchor in time`);
  }
  if (end.getTime() < start.getTime()) throw new TimespanError(`timespan ${JSON.stringify(text)}: the end is before the start`);
  return { start, end };
}
