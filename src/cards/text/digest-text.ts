import { oneLine, truncate } from '../text-limits';
import { digestLines, digestTitle, type DigestView } from '../digest-view';

/** The digest for the console and the CLI. */
export function digestText(view: DigestView): string {
  const l = digestLines(view);
  const clean = (s: string): string => truncate(oneLine(s), 300);
  const out = [
    `⚠ ${digestTitle(view)}`,
    `  Severity: ${l.severities}`,
    `  Top users: ${clean(l.users)}`,
    `  Top VMs: ${clean(l.targets)}`,
    '  First alerts:',
    ...l.first.map((f) => `    ${clean(f)}`),
  ];
  if (l.more) out.push(`    ${l.more}`);
  out.push(`  ${l.follow}`, `  List them all: ${view.listHint.cli} (Slack: ${view.listHint.slack}; Teams: ${view.listHint.teams})`);
  return out.join('\n');
}
