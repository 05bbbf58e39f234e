import { oneLine, truncate } from '../text-limits';
import { blindLines, blindTitle, type BlindView } from '../blind-view';

/** The blind-detection report for the console and the CLI. */
export function blindText(view: BlindView): string {
  const l = blindLines(view);
  const clean = (s: string, max = 300): string => truncate(oneLine(s), max);
  return [
    `⚠ ${clean(blindTitle(view))}`,
    `  Blind: ${clean(l.since)}`,
    `  Why: ${clean(l.reason, 1000)}`,
    ...(l.window !== undefined ? [`  Not read: ${l.window}`] : []),
    `  Rule: ${clean(view.detectionSlug)}`,
    `  ${l.follow}`,
  ].join('\n');
}
