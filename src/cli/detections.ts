import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import { loadDetections } from '../detections';
import { exportSentinelRule, sentinelQuery } from '../detections/export';
import { allowOnly, UsageError, type ParsedArgs } from './args';

export const DETECTIONS_USAGE = `  firstwatch detections export RULE [--format yaml|query]
                                          a rule (id or file name) in plain Sentinel form, to paste into Sentinel`;

/** `firstwatch detections export RULE`: the rule back in Sentinel's own form, on stdout. */
export function detectionsCommand(config: Config, args: ParsedArgs, out: NodeJS.WritableStream): number {
  const [, sub, rule, ...extra] = args.words;
  if (sub !== 'export') throw new UsageError(`detections needs 'export'${sub === undefined ? '' : `, not '${sub}'`}`);
  allowOnly(args, ['format']);
  if (rule === undefined || extra.length > 0)
    throw new UsageError('detections export takes one rule: its id or its file name without .yaml');
  const format = args.flags.get('format') ?? 'yaml';
  if (format !== 'yaml' && format !== 'query') throw new UsageError(`--format is yaml or query, not '${format}'`);
  const detection = loadDetections(config.schedule.detectionsDir).find((d) => d.id === rule || d.slug === rule);
  if (detection === undefined)
    throw new UsageError(`no rule '${rule}' in ${config.schedule.detectionsDir} (give its id or its file name without .yaml)`);
  const text =
    format === 'query'
      ? sentinelQuery(detection.query, detection.queryPeriod)
      : exportSentinelRule(readFileSync(detection.file, 'utf8'), detection);
  out.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
