/** The hunt as plain text for the console and the CLI: aligned columns, no markup. */
import type { HuntReport } from '../../alerts/types';
import { huntModel, type HuntLine } from '../hunt-view';

/** Display width, counting each code point as one column (enough for our bars and Latin text). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

function table(title: string, lines: HuntLine[], more: number): string[] {
  if (lines.length === 0) return [];
  const w = Math.min(60, Math.max(...lines.map((l) => width(l.label))));
  const out = ['', title];
  for (const l of lines) out.push(`  ${pad(l.label, w)}  ${l.detail}${l.flag ? `  ${l.flag}` : ''}`);
  if (more > 0) out.push(`  … and ${more} more`);
  return out;
}

/** A readable report; times are shown relative to the end of the hunted period. */
export function huntText(report: HuntReport): string {
  const m = huntModel(report, report.period.end);
  const out = [
    m.title,
    `${m.period} · workspaces: ${m.workspaces}`,
    ...(m.missing ? [`Not in the workspace (not hunted): ${m.missing}`] : []),
  ];
  if (m.empty) {
    out.push('', m.emptyMessage);
  } else {
    out.push(
      '',
      `${m.total}: ${m.sources.join(' · ')}`,
      '',
      `Activity  ${m.timeline.bars}  ${m.timeline.range} (one bar per day, ${m.timeline.peak})`,
      ...table('First-time and uncommon', m.insights, m.more.insights),
      ...table('Top actions', m.actions, m.more.actions),
      ...table('Resources touched', m.resources, m.more.resources),
      ...table('Source IPs', m.ips, m.more.ips),
      ...table('Sign-in outcomes', m.signIns, m.more.signIns),
      ...table('Most recent', m.recent, m.more.recent),
    );
  }
  out.push(...table('FirstWatch alerts for this user', m.alerts, m.more.alerts));
  if (m.links.length) {
    out.push('', 'Links');
    for (const l of m.links) out.push(`  ${l.label}: ${l.url}`);
  }
  return out.join('\n') + '\n';
}
