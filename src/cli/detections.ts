import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Config } from '../config';
import { describeOutcome, DetectionFileError, loadDetections, parseDetection, runDetectionTests, type Detection } from '../detections';
import { exportSentinelRule, sentinelQuery } from '../detections/export';
import { UsageError, type Invocation } from './args';
import { replayExports } from './detections-replay';

/**
 * `firstwatch detections [list]` — each rule in DETECTIONS_DIR with its state (loaded, or rejected
 * naming the field), schedule and test cases.
 * `firstwatch detections test [files…] [--data DIR]` — runs the rules' own test cases and reports
 * each; with --data, also replays tables exported from Log Analytics through the rules.
 * `firstwatch detections export RULE` — a rule back in Sentinel's own form.
 */
export async function detectionsCommand(config: Config, invocation: Invocation, out: NodeJS.WritableStream): Promise<number> {
  if (invocation.kind !== 'run') throw new UsageError('expected a detections command', 'detections');
  const { command, positionals, options } = invocation;
  switch (command) {
    case 'detections list':
      return list(config, out);
    case 'detections test':
      return test(config, positionals, out, options.string('data'));
    case 'detections export':
      return exportRule(config, positionals[0] ?? '', options.string('format'), out);
    default:
      throw new UsageError(`not a detections command: ${command}`, 'detections');
  }
}

/** `firstwatch detections export RULE`: the rule back in Sentinel's own form, on stdout. */
export function exportRule(config: Config, rule: string, format: string | undefined, out: NodeJS.WritableStream): number {
  const as = format ?? 'yaml';
  if (as !== 'yaml' && as !== 'query') throw new UsageError(`--format is yaml or query, not '${as}'`, 'detections export');
  const detection = loadDetections(config.schedule.detectionsDir, options(config)).find((d) => d.id === rule || d.slug === rule);
  if (detection === undefined) {
    throw new UsageError(
      `no rule '${rule}' in ${config.schedule.detectionsDir} (give its id or its file name without .yaml)`,
      'detections export',
    );
  }
  const text =
    as === 'query'
      ? sentinelQuery(detection.query, detection.queryPeriod)
      : exportSentinelRule(readFileSync(detection.file, 'utf8'), detection);
  out.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

function options(config: Config) {
  return { scheduleOverrides: config.schedule.scheduleOverrides, defaultCron: config.schedule.pollCron };
}

function list(config: Config, out: NodeJS.WritableStream): number {
  const loaded = loadDetections(config.schedule.detectionsDir, options(config));
  const warningsOf = (d: Detection) => loaded.warnings.filter((w) => w.startsWith(`${d.file}:`)).length;
  for (const d of loaded) {
    const warnings = warningsOf(d);
    out.write(
      `loaded    ${d.file}  "${d.name}"  ${d.severity}, ${scheduleText(d)}, ` +
        `${d.firstwatch.tests.length} test case(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`,
    );
  }
  for (const bad of loaded.rejected) out.write(`rejected  ${bad.file}  ${bad.field}: ${bad.problem}\n`);
  for (const w of loaded.warnings) out.write(`warning   ${w}\n`);
  out.write(`${loaded.length} loaded, ${loaded.rejected.length} rejected, from ${config.schedule.detectionsDir}\n`);
  return loaded.rejected.length > 0 ? 1 : 0;
}

/** An NRT rule has no frequency or period of its own: it runs on its cron over what arrived since its last run. */
function scheduleText(d: Detection): string {
  if (d.kind === 'NRT') return `near-real-time, on "${d.cron}" from its last run's end`;
  return `every ${d.queryFrequency} ("${d.cron}") over ${d.queryPeriod}`;
}

/** The named rule files, or every rule in DETECTIONS_DIR; a file that does not load counts as a failure. */
function rulesToTest(config: Config, files: string[]): { detections: Detection[]; rejected: DetectionFileError[] } {
  if (files.length === 0) {
    const loaded = loadDetections(config.schedule.detectionsDir, options(config));
    return { detections: [...loaded], rejected: [...loaded.rejected] };
  }
  const detections: Detection[] = [];
  const rejected: DetectionFileError[] = [];
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    try {
      detections.push(parseDetection(readFileSync(file, 'utf8'), shown, options(config)).detection);
    } catch (err) {
      rejected.push(
        err instanceof DetectionFileError ? err : new DetectionFileError(shown, '(file)', err instanceof Error ? err.message : String(err)),
      );
    }
  }
  return { detections, rejected };
}

async function test(config: Config, files: string[], out: NodeJS.WritableStream, data?: string): Promise<number> {
  const { detections, rejected } = rulesToTest(config, files);
  let passed = 0;
  let failed = rejected.length;
  for (const bad of rejected) out.write(`FAIL ${bad.message}\n`);
  for (const d of detections) {
    if (d.firstwatch.tests.length === 0) out.write(`none ${d.file}: no test cases\n`);
    for (const outcome of runDetectionTests(d, { delayAllowanceMs: config.schedule.ingestionDelayAllowanceMs })) {
      out.write(describeOutcome(outcome) + '\n');
      if (outcome.passed) passed++;
      else failed++;
    }
  }
  out.write(`${passed} passed, ${failed} failed\n`);
  const unrunnable = data !== undefined ? await replayExports(detections, data, out) : 0;
  return failed > 0 || unrunnable > 0 ? 1 : 0;
}
