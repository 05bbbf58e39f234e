import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DetectionFileError, DetectionLoadError } from './errors';
import { parseDetection, type ParseOptions } from './parse';
import type { Detection } from './types';

/**
 * The detections that loaded, one warning per field FirstWatch does not act on or tolerates,
 * and each file that could not be used (with the field at fault).
 */
export type LoadedDetections = Detection[] & { readonly warnings: readonly string[]; readonly rejected: readonly DetectionFileError[] };

function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...ruleFiles(path));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Every *.yaml / *.yml rule under `dir` (recursively, in name order). A bad file is
 * rejected (named with its field in `rejected`) and every other rule still loads: one
 * broken file never disables the rest. Throws DetectionLoadError only when `dir` itself
 * cannot be read.
 */
export function loadDetections(dir: string, opts: ParseOptions = {}): LoadedDetections {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new DetectionLoadError([new DetectionFileError(dir, '(folder)', 'is not a readable folder of detection files')]);

  const detections: Detection[] = [];
  const warnings: string[] = [];
  const errors: DetectionFileError[] = [];
  const byId = new Map<string, string>();
  const bySlug = new Map<string, string>();

  for (const path of ruleFiles(dir)) {
    const shown = relative(process.cwd(), path) || path;
    try {
      const parsed = parseDetection(readFileSync(path, 'utf8'), shown, opts);
      const d = parsed.detection;
      const dupId = byId.get(d.id);
      const dupSlug = bySlug.get(d.slug);
      if (dupId !== undefined) throw new DetectionFileError(shown, 'id', `${d.id} is also the id of ${dupId}`);
      if (dupSlug !== undefined) throw new DetectionFileError(shown, '(file name)', `"${d.slug}" is also the name of ${dupSlug}`);
      byId.set(d.id, shown);
      bySlug.set(d.slug, shown);
      detections.push(d);
      warnings.push(...parsed.warnings);
    } catch (err) {
      if (err instanceof DetectionFileError) errors.push(err);
      else errors.push(new DetectionFileError(shown, '(file)', err instanceof Error ? err.message : String(err)));
    }
  }

  for (const key of Object.keys(opts.scheduleOverrides ?? {})) {
    const k = key.toLowerCase();
    if (!detections.some((d) => d.id === k || d.slug === key)) {
      warnings.push(`DETECTION_SCHEDULE_OVERRIDES: "${key}" names no detection in ${dir}; ignored`);
    }
  }
  return Object.assign(detections, { warnings: Object.freeze(warnings), rejected: Object.freeze(errors) });
}
