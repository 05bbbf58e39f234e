import { createTask, validate } from 'node-cron';
import type { Config } from '../config';
import { loadDetections } from '../detections';
import type { Detection } from '../detections/types';
import type { BlindSpell, BlindSpellStore } from '../store/blind-spell-store';
import { oneLine } from '../cards/text-limits';
import { messageOf } from './format';
import type { CheckResult } from './types';

/** Loads the detections as `start` would; every warning becomes its own line. */
export function checkDetections(config: Config): { results: CheckResult[]; detections: Detection[] } {
  const dir = config.schedule.detectionsDir;
  try {
    const loaded = loadDetections(dir, { scheduleOverrides: config.schedule.scheduleOverrides, defaultCron: config.schedule.pollCron });
    const results: CheckResult[] = [];
    if (loaded.length === 0 && loaded.rejected.length === 0) {
      results.push({
        check: 'detections',
        verdict: 'FAIL',
        detail: `no detection rules in ${dir}`,
        fix: 'put Sentinel scheduled-rule YAML files there, or point DETECTIONS_DIR at them',
      });
    } else if (loaded.length > 0) {
      results.push({
        check: 'detections',
        verdict: 'ok',
        detail: `${loaded.length} loaded from ${dir}: ${loaded.map((d) => d.slug).join(', ')}`,
      });
    }
    for (const bad of loaded.rejected) {
      results.push({
        check: 'detections',
        verdict: 'FAIL',
        detail: `${bad.message} (not loaded; the other rules run)`,
        fix: `correct ${bad.field} in ${bad.file}`,
      });
    }
    for (const warning of loaded.warnings) results.push({ check: 'detections', verdict: 'warn', detail: warning });
    return { results, detections: [...loaded] };
  } catch (err) {
    return {
      results: [
        {
          check: 'detections',
          verdict: 'FAIL',
          detail: messageOf(err),
          fix: `correct the rule file, or point DETECTIONS_DIR at the right folder (now ${dir})`,
        },
      ],
      detections: [],
    };
  }
}

/** The next `count` times `expression` fires, or undefined when it is not a valid cron expression. */
export function nextRuns(expression: string, count: number): Date[] | undefined {
  if (!validate(expression)) return undefined;
  const task = createTask(expression, () => undefined);
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/** Each cron expression in use, with its next three runs. */
export function checkSchedules(config: Config, detections: readonly Detection[]): CheckResult[] {
  const entries: { check: string; expression: string; origin: string; fix: string }[] = [];
  if (config.schedule.pollCron !== undefined) {
    entries.push({
      check: 'schedule POLL_CRON',
      expression: config.schedule.pollCron,
      origin: 'POLL_CRON',
      fix: 'set POLL_CRON to a cron expression such as "0 * * * *"',
    });
  }
  for (const d of detections) {
    const overridden = config.schedule.scheduleOverrides[d.id] !== undefined || config.schedule.scheduleOverrides[d.slug] !== undefined;
    entries.push({
      check: `schedule ${d.slug}`,
      expression: d.cron,
      origin: overridden
        ? 'DETECTION_SCHEDULE_OVERRIDES'
        : d.kind === 'NRT'
          ? 'kind NRT'
          : config.schedule.pollCron !== undefined
            ? 'POLL_CRON'
            : `queryFrequency ${d.queryFrequency}`,
      fix: overridden
        ? `correct ${d.slug}'s entry in DETECTION_SCHEDULE_OVERRIDES`
        : d.kind === 'NRT'
          ? `name a cron for ${d.slug} in DETECTION_SCHEDULE_OVERRIDES`
          : `correct queryFrequency in ${d.file}`,
    });
  }
  return entries.map(({ check, expression, origin, fix }): CheckResult => {
    const runs = nextRuns(expression, 3);
    if (runs === undefined || runs.length === 0) {
      return { check, verdict: 'FAIL', detail: `"${expression}" (from ${origin}) is not a cron expression that ever fires`, fix };
    }
    return {
      check,
      verdict: 'ok',
      detail: `"${expression}" (from ${origin}); next ${runs.map((r) => r.toISOString().replace(/:00\.000Z$/, 'Z')).join(', ')}`,
    };
  });
}

/** One line per detection: whether it read its whole window at its last poll in every workspace, or since when it has been blind. */
export async function checkBlindSpells(
  detections: readonly Detection[],
  store: Pick<BlindSpellStore, 'listBlindSpells'> | undefined,
  now: Date,
): Promise<CheckResult[]> {
  if (store === undefined || detections.length === 0) return [];
  let spells: BlindSpell[];
  try {
    spells = await store.listBlindSpells();
  } catch (err) {
    return [{ check: 'blind detections', verdict: 'warn', detail: `could not read the blind spells: ${messageOf(err)}` }];
  }
  return detections.map((d): CheckResult => {
    const mine = spells.filter((s) => s.detectionId === d.id);
    if (mine.length === 0)
      return { check: `sight ${d.slug}`, verdict: 'ok', detail: 'read its whole window at its last poll in every workspace' };
    const parts = mine.map((s) => {
      const longer = now.getTime() - s.since.getTime() >= d.queryFrequencyMs;
      return `${s.workspace}: blind since ${s.since.toISOString()}${longer ? ', longer than its frequency' : ''}${
        s.reportedAt !== undefined ? ', reported to the alert channels' : ''
      } (${oneLine(s.reason).slice(0, 300)})`;
    });
    return {
      check: `sight ${d.slug}`,
      verdict: mine.some((s) => now.getTime() - s.since.getTime() >= d.queryFrequencyMs) ? 'FAIL' : 'warn',
      detail: parts.join('; '),
      fix: 'its hits in the unread time are not alerted: fix the cause above (access, throttling, a query limit), then the next poll reads on',
    };
  });
}
