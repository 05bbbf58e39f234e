/** Turns the merged rows of every workspace into the HuntReport the views render. */
import type { Alert, HuntReport } from '../types';
import { HUNT_QUERY_LIMITS, HUNT_SOURCES } from './query';
import { activityKey, type HuntAggregate } from './rows';
import { defenderUserLink, isGuid, logAnalyticsQueryLink } from './links';

/** Longest lists the report keeps; views show fewer. */
export const REPORT_LIMITS = { activities: 50, ranking: 20, alerts: 20 } as const;
/** Up to this many of a user's FirstWatch alerts are counted exactly (the report lists REPORT_LIMITS.alerts). */
export const ALERT_COUNT_LIMIT = 1000;

export interface ReportInput {
  upn: string;
  lookbackMs: number;
  now: Date;
  workspaces: string[];
  query: string;
  aggregate: HuntAggregate;
  alerts: Alert[];
  links: { tenantId?: string; workspaceResourceId?: string };
  /** Tables the workspaces said they do not have (from the fuzzy union's warnings). */
  missingTables?: string[];
}

const DAY_MS = 86_400_000;

/** One entry per UTC day from the period's first day to its last, zeros included. */
export function dailyTimeline(start: Date, end: Date, days: Map<string, number>): { day: string; count: number }[] {
  const out: { day: string; count: number }[] = [];
  let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (; t <= end.getTime(); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, count: days.get(day) ?? 0 });
  }
  return out;
}

function ranked<T extends { count: number }>(items: T[], key: (t: T) => string, limit: number): T[] {
  return items.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b))).slice(0, limit);
}

export function assembleReport(input: ReportInput): HuntReport {
  const { aggregate: agg, now } = input;
  const start = new Date(now.getTime() - input.lookbackMs);

  const bySource: Record<string, number> = {};
  for (const s of HUNT_SOURCES) bySource[s] = 0;
  for (const a of agg.activities.values()) bySource[a.source] = (bySource[a.source] ?? 0) + a.count;
  const totalEvents = Object.values(bySource).reduce((n, c) => n + c, 0);

  const activities = [...agg.activities.values()]
    .map((a) => ({ ...a, insights: [...(agg.activityInsights.get(activityKey(a.source, a.action)) ?? [])].sort() }))
    .sort((a, b) => b.insights.length - a.insights.length || b.count - a.count || b.last.getTime() - a.last.getTime())
    .slice(0, REPORT_LIMITS.activities);

  // The name and id seen most recently in the data; sign-ins and audit logs carry them.
  const identities = [...agg.identities].sort((a, b) => (b.last?.getTime() ?? 0) - (a.last?.getTime() ?? 0) || b.count - a.count);
  const displayName = identities.find((i) => i.displayName.trim() !== '')?.displayName;
  const aadObjectId = identities.find((i) => isGuid(i.objectId))?.objectId;

  const report: HuntReport = {
    upn: input.upn,
    period: { start, end: now },
    workspaces: input.workspaces,
    ...(input.missingTables !== undefined && input.missingTables.length > 0 ? { missingTables: input.missingTables } : {}),
    totalEvents,
    bySource,
    timeline: dailyTimeline(start, now, agg.days),
    activities,
    signIns: ranked(
      [...agg.signIns].map(([result, count]) => ({ result, count })),
      (s) => s.result,
      REPORT_LIMITS.ranking,
    ),
    sourceIps: ranked(
      [...agg.ips].map(([ip, v]) => {
        const location = [...v.locations].find((l) => l.trim() !== '');
        return location ? { ip, location, count: v.count } : { ip, count: v.count };
      }),
      (s) => s.ip,
      REPORT_LIMITS.ranking,
    ),
    resources: ranked(
      [...agg.targets].map(([resource, count]) => ({ resource, count })),
      (r) => r.resource,
      REPORT_LIMITS.ranking,
    ),
    insights: ranked(
      [...agg.insights].map(([insight, count]) => ({ insight, count })),
      (i) => i.insight,
      REPORT_LIMITS.ranking,
    ),
    recent: [...agg.events].sort((a, b) => b.time.getTime() - a.time.getTime()).slice(0, HUNT_QUERY_LIMITS.recent),
    alerts: input.alerts
      .slice()
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime())
      .slice(0, REPORT_LIMITS.alerts)
      .map((a) => ({ id: a.id, title: a.title, status: a.status, eventTime: a.eventTime, severity: a.severity })),
    links: {},
    query: input.query,
  };
  report.totals = {
    activities: agg.activities.size,
    signIns: agg.signIns.size,
    sourceIps: agg.capped.has('ips') ? Math.max(agg.totals.get('ips') ?? 0, agg.ips.size) : agg.ips.size,
    resources: agg.capped.has('resources') ? Math.max(agg.totals.get('resources') ?? 0, agg.targets.size) : agg.targets.size,
    insights: agg.insights.size,
    // The most recent events are a window onto all of them.
    recent: totalEvents,
    alerts: input.alerts.length,
  };
  if (displayName) report.displayName = displayName;
  if (aadObjectId) report.aadObjectId = aadObjectId;
  const queryLink = logAnalyticsQueryLink(input.query, input.links.workspaceResourceId, input.links.tenantId, input.lookbackMs);
  if (queryLink) report.links.query = queryLink;
  const userLink = defenderUserLink(aadObjectId, input.links.tenantId);
  if (userLink) report.links.defenderUser = userLink;
  return report;
}
