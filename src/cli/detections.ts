import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Config } from '../config';
import { describeOutcome, loadDetections, parseDetection, runDetectionTests, DetectionFileError, type Detection } from '../detections';
import { allowOnly, UsageError, type ParsedArgs } from './args';
import { replayExports } from './detections-replay';

/**
 * `firstwatch detections` — each rule in DETECTIONS_DIR with its state (loaded, or rejected
 * naming the field), schedule and test cases.
 * `firstwatch detections test [files…] [--data DIR]` — runs the rules' own test cases and reports
 * each; with --data, also replays tables exported from Log Analytics through the rules.
 */
export async function detectionsCommand(config: Config, args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const sub = args.words[1];
  if (sub === undefined || sub === 'list') {
    allowOnly(args, []);
    return list(config, out);
  }
  if (sub === 'test') {
    allowOnly(args, ['data']);
    return test(config, args.words.slice(2), out, args.flags.get('data'));
  }
  throw new UsageError(`detections takes 'list' or 'test', not '${sub}'`);
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
      `loaded    ${d.file}  "${d.name}"  ${d.severity}, every ${d.queryFrequency} ("${d.cron}") over ${d.queryPeriod}, ` +
        `${d.firstwatch.tests.length} test case(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`,
    );
  }
  for (const bad of loaded.rejected) out.write(`rejected  ${bad.file}  ${bad.field}: ${bad.problem}\n`);
  for (const w of loaded.warnings) out.write(`warning   ${w}\n`);
  out.write(`${loaded.length} loaded, ${loaded.rejected.length} rejected, from ${config.schedule.detectionsDir}\n`);
  return loaded.rejected.length > 0 ? 1 : 0;
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
      rejected.push(err instanceof DetectionFileError ? err : new DetectionFileError(shown, '(file)', err instanceof Error ? err.message : String(err)));
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
