import { basename, extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';
import { validate as validateCron } from 'node-cron';
import { DetectionFileError } from './errors';
import { firstwatchSchema } from './firstwatch-schema';
import { isNrt, NRT_CRON, withNrtDefaults } from './nrt';
import { ruleSchema } from './rule-schema';
import { ACTED_ON_FIELDS, KNOWN_IGNORED_FIELDS, KNOWN_OVERRIDE_FIELDS } from './sentinel-vocabulary';
import { frequencyToCron } from './timespan';
import { tolerate } from './tolerated';
import type { Detection } from './types';

export const WINDOW_START = '_fw_window_start';
export const WINDOW_END = '_fw_window_end';

export interface ParseOptions {
  /** Detection id or file name (slug) → cron, from configuration. */
  scheduleOverrides?: Readonly<Record<string, string>>;
  /** POLL_CRON: the schedule of every rule without an override, instead of its queryFrequency. */
  defaultCron?: string;
}

export interface ParsedDetection {
  detection: Detection;
  warnings: string[];
}

function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '') || '(root)';
}

function issueError(file: string, issue: ZodIssue, prefix: (string | number)[] = []): DetectionFileError {
  return new DetectionFileError(file, fieldPath([...prefix, ...issue.path]), issue.message);
}

/** The cron that runs a rule every `ms`, rounding down to the nearest schedule cron can express. */
export function cronForFrequency(ms: number): { cron: string; exact: boolean } {
  const exact = frequencyToCron(ms);
  if (exact !== undefined) return { cron: exact, exact: true };
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    const step = [30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1].find((d) => d <= minutes) ?? 1;
    return { cron: `*/${step} * * * *`, exact: false };
  }
  if (minutes < 1440) {
    const step = [12, 8, 6, 4, 3, 2, 1].find((d) => d <= minutes / 60) ?? 1;
    return { cron: step === 1 ? '0 * * * *' : `0 */${step} * * *`, exact: false };
  }
  return { cron: '0 0 * * *', exact: false };
}

/** One rule file's text → a Detection and the warnings about what FirstWatch does not act on. */
export function parseDetection(text: string, file: string, opts: ParseOptions = {}): ParsedDetection {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = `line ${lineCounter.linePos(e.pos[0]).line}`;
    throw new DetectionFileError(file, where, e.message.split('\n')[0]);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DetectionFileError(file, '(root)', 'expected a map of rule fields');
  }
  const raw = data as Record<string, unknown>;
  const warnings: string[] = [];
  const warn = (field: string, text: string) => warnings.push(`${file}: ${field}: ${text}`);
  tolerate(raw, warn);

  const nrt = isNrt(raw);
  const rule = ruleSchema.safeParse(withNrtDefaults(raw));
  if (!rule.success) throw issueError(file, rule.error.issues[0]);
  const fw = firstwatchSchema.safeParse(raw.firstwatch ?? undefined);
  if (!fw.success) throw issueError(file, fw.error.issues[0], ['firstwatch']);
  const r = rule.data;
  const f = fw.data;

  for (const key of Object.keys(raw)) {
    if (ACTED_ON_FIELDS.has(key)) continue;
    const known = KNOWN_IGNORED_FIELDS[key];
    warn(key, known !== undefined ? `not acted on: ${known}` : "not a field of Sentinel's scheduled rule format; ignored");
  }
  for (const key of Object.keys(r.alertDetailsOverride ?? {})) {
    if (!KNOWN_OVERRIDE_FIELDS.has(key)) warn(`alertDetailsOverride.${key}`, 'not acted on; ignored');
  }

  const slug = basename(file, extname(file));
  const usesStart = r.query.includes(WINDOW_START);
  const usesEnd = r.query.includes(WINDOW_END);
  if (f.window === 'ingestion-time') {
    if (!usesStart || !usesEnd) {
      throw new DetectionFileError(
        file,
        'query',
        `firstwatch.window is ingestion-time but the query does not use ${!usesStart ? WINDOW_START : WINDOW_END} (bound it with: | where ingestion_time() > ${WINDOW_START} and ingestion_time() <= ${WINDOW_END})`,
      );
    }
  } else if (nrt) {
    if (usesStart || usesEnd) {
      throw new DetectionFileError(
        file,
        'firstwatch.window',
        `the query uses ${usesStart ? WINDOW_START : WINDOW_END}, which FirstWatch defines only for window: ingestion-time`,
      );
    }
  } else {
    if (usesStart || usesEnd) {
      throw new DetectionFileError(
        file,
        'firstwatch.window',
        `the query uses ${usesStart ? WINDOW_START : WINDOW_END}, which FirstWatch defines only for window: ingestion-time`,
      );
    }
    // `window: query-period` says so on purpose: no warning then.
    if (f.window === undefined)
      warn(
        'queryPeriod',
        `imported unchanged (no firstwatch.window): each run sees only the last ${r.queryPeriod.text} of TimeGenerated, so it cannot catch up after an outage longer than ${r.queryPeriod.text}, and rows that arrive later than that are missed`,
      );
  }

  const override =
    opts.scheduleOverrides?.[r.id] ??
    opts.scheduleOverrides?.[r.id.toLowerCase()] ??
    opts.scheduleOverrides?.[slug] ??
    (nrt ? undefined : opts.defaultCron);
  let cron: string;
  if (override !== undefined) {
    if (!validateCron(override))
      throw new DetectionFileError(file, 'queryFrequency', `schedule override "${override}" is not a cron expression`);
    cron = override;
  } else if (nrt) {
    cron = NRT_CRON;
  } else {
    const chosen = cronForFrequency(r.queryFrequency.ms);
    cron = chosen.cron;
    if (!chosen.exact)
      warn(
        'queryFrequency',
        `${r.queryFrequency.text} has no exact cron expression; runs on "${cron}" (more often, which deduplication makes harmless)`,
      );
  }

  const detection: Detection = {
    id: r.id.toLowerCase(),
    name: r.name,
    description: r.description,
    severity: r.severity,
    queryFrequency: r.queryFrequency.text,
    queryPeriod: r.queryPeriod.text,
    queryFrequencyMs: r.queryFrequency.ms,
    queryPeriodMs: r.queryPeriod.ms,
    cron,
    triggerOperator: r.triggerOperator,
    triggerThreshold: r.triggerThreshold,
    tactics: r.tactics,
    techniques: r.relevantTechniques,
    query: r.query,
    entityMappings: r.entityMappings,
    customDetails: r.customDetails,
    alertDetailsOverride: r.alertDetailsOverride
      ? {
          alertDisplayNameFormat: r.alertDetailsOverride.alertDisplayNameFormat,
          alertDescriptionFormat: r.alertDetailsOverride.alertDescriptionFormat,
          alertSeverityColumnName: r.alertDetailsOverride.alertSeverityColumnName,
          alertTacticsColumnName: r.alertDetailsOverride.alertTacticsColumnName,
        }
      : undefined,
    version: r.version,
    kind: nrt ? 'NRT' : 'Scheduled',
    file,
    slug,
    firstwatch: {
      window: f.window ?? 'query-period',
      enrichment: f.enrichment,
      fingerprint: f.fingerprint ?? [],
      card: f.card,
      tests: f.tests.map((t) => ({
        name: t.name,
        key: t.key,
        tables: t.tables,
        hits: t.hits,
        misses: t.misses,
        window: t.window,
        now: t.now,
      })),
    },
  };
  if (detection.firstwatch.tests.length === 0) warn('firstwatch.tests', 'the rule has no test cases');
  return { detection, warnings };
}
