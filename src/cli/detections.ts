import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import { loadDetections } from '../detections';
import { exportSentinelRule, sentinelQuery } from '../detections/export';
import { UsageError } from './args';

/** `firstwatch detections export RULE`: the rule back in Sentinel's own form, on stdout. */
export function exportRule(config: Config, rule: string, format: string | undefined, out: NodeJS.WritableStream): number {
  const as = format ?? 'yaml';
  if (as !== 'yaml' && as !== 'query') throw new UsageError(`--format is yaml or query, not '${as}'`, 'detections export');
  const detection = loadDetections(config.schedule.detectionsDir).find((d) => d.id === rule || d.slug === rule);
  if (detection === undefined) {
    throw new UsageError(`no rule '${rule}' in ${config.schedule.detectionsDir} (give its id or its file name without .yaml)`, 'detections export');
  }
  const text = as === 'query' ? sentinelQuery(detection.query, detection.queryPeriod) : exportSentinelRule(readFileSync(detection.file, 'utf8'), detection);
  out.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
