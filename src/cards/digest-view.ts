import type { Alert } from '../alerts/types';
import { severityHint } from './severity';

/** One storm digest, as every surface shows it. */
export interface DigestView {
  count: number;
  /** Per severity level, most severe first. */
  bySeverity: { level: string; emoji: string; count: number }[];
  topUsers: { name: string; count: number }[];
  topTargets: { name: string; count: number }[];
  /** The first alerts, in the order they were stored. */
  first: { id: string; title: string; emoji: string }[];
  /** Alerts not in `first`. */
  more: number;
  /** Whether the individual cards follow the digest. */
  individualFollow: boolean;
  /** How to list them all, per surface. */
  listHint: { slack: string; teams: string; cli: string };
}

export const DIGEST_TOP = 5;
export const DIGEST_FIRST = 5;
const ORDER = ['High', 'Medium', 'Low', 'Informational'];

function top(values: (string | undefined)[], n: number): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = v?.trim();
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, count]) => ({ name, count }));
}

/** The digest of a storm's alerts (in stored order): counts, who, on what, the first few. */
export function toDigestView(alerts: readonly Alert[], opts: { individualFollow: boolean }): DigestView {
  const severities = new Map<string, number>();
  for (const a of alerts) severities.set(a.severity, (severities.get(a.severity) ?? 0) + 1);
  return {
    count: alerts.length,
    bySeverity: ORDER.filter((l) => severities.has(l)).map((level) => ({
      level,
      emoji: severityHint(level as Alert['severity']).emoji,
      count: severities.get(level) ?? 0,
    })),
    topUsers: top(
      alerts.map((a) => a.subject.upn ?? a.subject.displayName),
      DIGEST_TOP,
    ),
    topTargets: top(
      alerts.map((a) => (a.target?.found ? a.target.name : undefined)),
      DIGEST_TOP,
    ),
    first: alerts.slice(0, DIGEST_FIRST).map((a) => ({ id: a.id, title: a.title, emoji: severityHint(a.severity).emoji })),
    more: Math.max(0, alerts.length - DIGEST_FIRST),
    individualFollow: opts.individualFollow,
    listHint: { slack: '/alerts open', teams: '@FirstWatch alerts open', cli: 'npx firstwatch alerts' },
  };
}

/** "Alert storm: 200 new alerts in one poll" */
export function digestTitle(view: DigestView): string {
  return `Alert storm: ${view.count} new alerts in one poll`;
}

/** The lines every surface shows, plain text (renderers escape them for their markup). */
export function digestLines(view: DigestView): {
  severities: string;
  users: string;
  targets: string;
  first: string[];
  more?: string;
  follow: string;
} {
  const list = (xs: { name: string; count: number }[]): string =>
    xs.length === 0 ? 'none found' : xs.map((x) => `${x.name} (${x.count})`).join(', ');
  const lines: ReturnType<typeof digestLines> = {
    severities: view.bySeverity.map((s) => `${s.emoji} ${s.level}: ${s.count}`).join(' · '),
    users: list(view.topUsers),
    targets: list(view.topTargets),
    first: view.first.map((f) => `${f.emoji} ${f.id}: ${f.title}`),
    follow: view.individualFollow
      ? 'Their individual cards follow at the channel’s pace.'
      : 'Their individual cards are not posted; each alert can still be acknowledged by id.',
  };
  if (view.more > 0) lines.more = `…and ${view.more} more`;
  return lines;
}
