import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import type { EnvReader } from '../reader';
import { cron, duration, nonEmpty, oneOf } from '../fields';

export interface ScheduleConfig {
  /** POLL_CRON: when set, every rule without its own override runs on it instead of its queryFrequency. */
  pollCron?: string;
  /** How far each ingestion window reaches back before the watermark, in ms. */
  pollOverlapMs: number;
  /** Extra TimeGenerated look-back for rows that arrive late (UEBA), in ms. */
  ingestionDelayAllowanceMs: number;
  /** Rows later than the look-back: counted and reported ('count'), or alerted as well ('alert'). */
  lateRows: 'count' | 'alert';
  /** How far before the look-back the late-row query reads TimeGenerated, in ms. */
  lateRowScanMs: number;
  detectionsDir: string;
  /** Detection id or file name (without .yaml) → cron expression. */
  scheduleOverrides: Readonly<Record<string, string>>;
}

const OVERRIDES_HINT =
  'a comma-separated list of <detection id or file name>=<cron>, e.g. "first-time-runcommand=*/5 * * * *,other=0 */2 * * *"';

// A cron field never contains "=", so an entry starts wherever ",key=" does; commas
// inside a cron list ("0,30 * * * *") stay with their expression.
const ENTRY_SPLIT = /[,;](?=\s*[A-Za-z0-9][\w.-]*\s*=)/;

const overrides = z.string().transform((s, ctx) => {
  const out: Record<string, string> = {};
  for (const entry of s.split(ENTRY_SPLIT)) {
    const match = /^\s*([A-Za-z0-9][\w.-]*)\s*=\s*(.+?)\s*$/.exec(entry);
    if (match === null || !validateCron(match[2])) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${OVERRIDES_HINT} ("${entry.trim()}" is not one)` });
      return z.NEVER;
    }
    out[match[1]] = match[2];
  }
  return out;
});

export function readSchedule(r: EnvReader): ScheduleConfig {
  return {
    pollCron: r.get('POLL_CRON', cron),
    pollOverlapMs: r.get('POLL_OVERLAP', duration) ?? 10 * 60_000,
    // 48 h: UEBA computes BehaviorAnalytics from other tables, and its rows can arrive a day or more late.
    ingestionDelayAllowanceMs: r.get('INGESTION_DELAY_ALLOWANCE', duration) ?? 48 * 3_600_000,
    lateRows: r.get('LATE_ROWS', oneOf(['count', 'alert'] as const)) ?? 'count',
    lateRowScanMs: r.get('LATE_ROW_SCAN', duration) ?? 14 * 86_400_000,
    detectionsDir: r.get('DETECTIONS_DIR', nonEmpty) ?? './detections',
    scheduleOverrides: r.get('DETECTION_SCHEDULE_OVERRIDES', overrides) ?? {},
  };
}
