/**
 * What every hunt view shows, computed once from a HuntReport: plain text pieces that
 * each renderer escapes its own way (Adaptive Card runs, Slack mrkdwn, a terminal).
 */
import type { HuntReport } from '../alerts/types';
import { humaniseInsight } from './insights';
import { oneLine, truncate } from './text-limits';
import { formatUtc } from '../time/when';
import { spanWords } from '../time/duration';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Longest single value a view shows (resource ids, titles); long ones end in "…". */
export const VALUE_MAX = 160;

/** Data from the logs, made safe to show on one line. */
export function clean(value: string, max = VALUE_MAX): string {
  return truncate(oneLine(value).trim(), max);
}

/** "27 Nov" from "2026-11-27". */
export function shortDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]}`;
}

/** One bar per day: ▁ for none, ▂…█ scaled to the busiest day, so any activity shows. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  return counts
    .map((c) => {
      if (c <= 0 || max === 0) return BARS[0];
      return BARS[Math.max(1, Math.ceil((c / max) * (BARS.length - 1)))];
    })
    .join('');
}

/** "20 Nov 19:00": a period's ends always carry their day. */
export function dayAndTime(d: Date): string {
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${hh}:${mm}`;
}

const ARM_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/[^/]+\/(.+)$/i;

/** An Azure resource id as "vm-web-01 (virtualmachines, rg-prod-web)"; anything else as it is. */
export function resourceLabel(resource: string): string {
  const m = ARM_ID.exec(resource.trim());
  if (!m) return clean(resource);
  const parts = m[2].split('/').filter((p) => p !== '');
  const name = parts[parts.length - 1] ?? '';
  const type = parts.length >= 2 ? parts[parts.length - 2] : '';
  return clean(`${name} (${type ? `${type}, ` : ''}${m[1]})`);
}

/** First-time insights before uncommon ones: they are the stronger signal. */
export function insightOrder(a: string, b: string): number {
  const rank = (k: string): number => (k.startsWith('FirstTime') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** "Alice Example (alice@contoso.com)" or the UPN alone. */
export function who(report: HuntReport): string {
  const name = report.displayName ? clean(report.displayName, 80) : '';
  return name && name.toLowerCase() !== report.upn.toLowerCase() ? `${name} (${report.upn})` : report.upn;
}

export function lookbackMs(report: HuntReport): number {
  return report.period.end.getTime() - report.period.start.getTime();
}

/** "No activity found for alice@contoso.com in the last 7 days". */
export function emptyMessage(report: HuntReport): string {
  return `No activity found for ${report.upn} in the last ${spanWords(lookbackMs(report))}`;
}

export interface HuntLine {
  /** The main words, e.g. an action or an IP. */
  label: string;
  /** Secondary words: counts, where, when. */
  detail: string;
  /** A first-time / uncommon marker, or a status. */
  flag?: string;
}

export interface HuntModel {
  title: string;
  who: string;
  /** "7 days" */
  span: string;
  /** "Last 7 days · 20 Nov 19:00 UTC → 27 Nov 19:00 UTC" */
  period: string;
  workspaces: string;
  /** "BehaviorAnalytics, IdentityInfo": hunted tables the workspace does not have; empty when none. */
  missing: string;
  empty: boolean;
  emptyMessage: string;
  total: string;
  /** "BehaviorAnalytics 12", … (all four sources, zeros included). */
  sources: string[];
  timeline: { bars: string; range: string; peak: string };
  insights: HuntLine[];
  actions: HuntLine[];
  resources: HuntLine[];
  ips: HuntLine[];
  signIns: HuntLine[];
  recent: HuntLine[];
  alerts: HuntLine[];
  links: { label: string; url: string }[];
  /** How many were left out of each list. */
  more: Record<'actions' | 'resources' | 'ips' | 'signIns' | 'recent' | 'alerts' | 'insights', number>;
}

/** How many lines of each list a view shows. */
export interface ModelLimits {
  actions: number;
  resources: number;
  ips: number;
  signIns: number;
  recent: number;
  alerts: number;
  insights: number;
}

export const DEFAULT_LIMITS: ModelLimits = { actions: 8, resources: 5, ips: 5, signIns: 5, recent: 8, alerts: 5, insights: 6 };

/** Shorter and shorter lists, for views that must fit a size (Slack's message, Teams' card). */
export const SHRINKING_LIMITS: ModelLimits[] = [
  DEFAULT_LIMITS,
  { actions: 5, resources: 3, ips: 3, signIns: 3, recent: 4, alerts: 3, insights: 4 },
  { actions: 3, resources: 2, ips: 2, signIns: 2, recent: 2, alerts: 2, insights: 2 },
];

/** The first `n` items, and how many of the whole list (`total` when the report knows it) are left out. */
function take<T>(items: readonly T[], n: number, total: number | undefined): { items: T[]; more: number } {
  const shown = items.slice(0, n);
  return { items: shown, more: Math.max(0, Math.max(total ?? 0, items.length) - shown.length) };
}

function times(n: number): string {
  return `×${n.toLocaleString('en-US')}`;
}

export function huntModel(report: HuntReport, now: Date, limits: ModelLimits = DEFAULT_LIMITS): HuntModel {
  const span = spanWords(lookbackMs(report));
  const counts = report.timeline.map((d) => d.count);
  const peakDay = report.timeline.reduce<{ day: string; count: number } | undefined>(
    (best, d) => (!best || d.count > best.count ? d : best),
    undefined,
  );
  const first = report.timeline[0]?.day;
  const last = report.timeline[report.timeline.length - 1]?.day;

  const insights = take(report.insights, limits.insights, report.totals?.insights);
  const actions = take(report.activities, limits.actions, report.totals?.activities);
  const resources = take(report.resources, limits.resources, report.totals?.resources);
  const ips = take(report.sourceIps, limits.ips, report.totals?.sourceIps);
  const signIns = take(report.signIns, limits.signIns, report.totals?.signIns);
  const recent = take(report.recent, limits.recent, report.totals?.recent);
  const alerts = take(report.alerts, limits.alerts, report.totals?.alerts);

  const links: { label: string; url: string }[] = [];
  if (report.links.query) links.push({ label: 'Open the query in Log Analytics', url: report.links.query });
  if (report.links.defenderUser) links.push({ label: 'Open the user in Defender', url: report.links.defenderUser });

  return {
    title: `Hunt: ${who(report)}`,
    who: who(report),
    span,
    period: `Last ${span} · ${dayAndTime(report.period.start)} → ${dayAndTime(report.period.end)} UTC`,
    workspaces: report.workspaces.map((w) => clean(w, 60)).join(', '),
    missing: (report.missingTables ?? []).map((t) => clean(t, 120)).join(', '),
    empty: report.totalEvents === 0,
    emptyMessage: emptyMessage(report),
    total: `${report.totalEvents.toLocaleString('en-US')} event${report.totalEvents === 1 ? '' : 's'}`,
    sources: Object.entries(report.bySource).map(([s, n]) => `${clean(s, 40)} ${n.toLocaleString('en-US')}`),
    timeline: {
      bars: sparkline(counts),
      range: first && last ? `${shortDay(first)} → ${shortDay(last)}` : '',
      peak: peakDay && peakDay.count > 0 ? `peak ${peakDay.count.toLocaleString('en-US')} on ${shortDay(peakDay.day)}` : 'no events',
    },
    insights: [...insights.items]
      .sort((a, b) => insightOrder(a.insight, b.insight) || b.count - a.count)
      .map((i) => ({ label: humaniseInsight(clean(i.insight, 80)), detail: times(i.count), flag: '⚑' })),
    actions: actions.items.map((a) => {
      const line: HuntLine = {
        label: clean(a.action || '(no action name)'),
        detail: `${times(a.count)} · ${clean(a.source, 40)} · last ${formatUtc(a.last, now)}${
          a.statuses.length
            ? ` · ${a.statuses
                .slice(0, 3)
                .map((s) => clean(s, 40))
                .join(', ')}`
            : ''
        }${a.maxPriority !== undefined && a.maxPriority > 0 ? ` · priority ${a.maxPriority}` : ''}`,
      };
      if (a.insights.length)
        line.flag = `⚑ ${[...a.insights]
          .sort(insightOrder)
          .slice(0, 3)
          .map((k) => humaniseInsight(clean(k, 80)))
          .join('; ')}`;
      return line;
    }),
    resources: resources.items.map((r) => ({ label: resourceLabel(r.resource), detail: times(r.count) })),
    ips: ips.items.map((i) => ({ label: clean(i.ip, 60), detail: `${times(i.count)}${i.location ? ` · ${clean(i.location, 60)}` : ''}` })),
    signIns: signIns.items.map((s) => ({
      label: clean(s.result, 100),
      detail: times(s.count),
      flag: /^success$/i.test(s.result) ? undefined : '✗',
    })),
    recent: recent.items.map((e) => ({
      label: clean(e.action || '(no action name)'),
      detail: [
        formatUtc(e.time, now),
        clean(e.source, 40),
        e.target ? resourceLabel(e.target) : '',
        e.ip ? clean(e.ip, 60) : '',
        e.status ? clean(e.status, 40) : '',
      ]
        .filter((x) => x !== '')
        .join(' · '),
    })),
    alerts: alerts.items.map((a) => ({
      label: `${clean(a.id, 20)} ${clean(a.title, 120)}`,
      detail: `${a.severity} · ${formatUtc(a.eventTime, now)}`,
      flag: a.status,
    })),
    links,
    more: {
      actions: actions.more,
      resources: resources.more,
      ips: ips.more,
      signIns: signIns.more,
      recent: recent.more,
      alerts: alerts.more,
      insights: insights.more,
    },
  };
}
