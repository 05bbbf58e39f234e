/**
 * Reads the hunt query's result rows (one table, `Kind` per row) into an aggregate that
 * several workspaces' results merge into. Rows come from outside: every cell is checked.
 */
import type { HuntActivity, HuntEvent } from '../types';
import type { HuntTotalKey } from './query';

export interface HuntAggregate {
  /** Keyed by source + NUL + action. */
  activities: Map<string, HuntActivity>;
  /** UTC day (YYYY-MM-DD) → events. */
  days: Map<string, number>;
  ips: Map<string, { count: number; locations: Set<string> }>;
  targets: Map<string, number>;
  signIns: Map<string, number>;
  /** Insight key → events it fired on. */
  insights: Map<string, number>;
  /** Activity key → insight keys that fired on it. */
  activityInsights: Map<string, Set<string>>;
  identities: { displayName: string; objectId: string; count: number; last?: Date }[];
  events: HuntEvent[];
  /**
   * True number of distinct IPs / resources, for the rankings the query caps. Summed over
   * workspaces whose ranking was capped (a value seen in two of them counts twice);
   * otherwise the merged ranking itself is complete.
   */
  totals: Map<HuntTotalKey, number>;
  /** Rankings some workspace capped (its total exceeded the rows it returned). */
  capped: Set<HuntTotalKey>;
}

export function emptyAggregate(): HuntAggregate {
  return {
    activities: new Map(),
    days: new Map(),
    ips: new Map(),
    targets: new Map(),
    signIns: new Map(),
    insights: new Map(),
    activityInsights: new Map(),
    identities: [],
    events: [],
    totals: new Map(),
    capped: new Set(),
  };
}

const TOTAL_KEYS: Readonly<Record<string, HuntTotalKey>> = { ips: 'ips', resources: 'resources' };
const RANKING_KIND: Readonly<Record<HuntTotalKey, string>> = { ips: 'ip', resources: 'target' };

class RowError extends Error {}

function str(row: Record<string, unknown>, col: string): string {
  const v = row[col];
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new RowError(`column ${col} should be text, got ${typeof v}`);
}

function count(row: Record<string, unknown>, col: string): number {
  const v = row[col];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RowError(`column ${col} should be a count, got ${JSON.stringify(v)}`);
  }
  return n;
}

function optionalNumber(row: Record<string, unknown>, col: string): number | undefined {
  const v = row[col];
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RowError(`column ${col} should be a number, got ${JSON.stringify(v)}`);
  return n;
}

function date(row: Record<string, unknown>, col: string): Date {
  const v = row[col];
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new RowError(`column ${col} should be a datetime, got ${JSON.stringify(v)}`);
  return d;
}

function strings(row: Record<string, unknown>, col: string): string[] {
  let v = row[col];
  if (v === null || v === undefined || v === '') return [];
  if (typeof v === 'string') {
    // A dynamic cell that reached us still JSON-encoded.
    try {
      v = JSON.parse(v);
    } catch {
      throw new RowError(`column ${col} should be a list, got ${JSON.stringify(v).slice(0, 80)}`);
    }
  }
  if (!Array.isArray(v)) throw new RowError(`column ${col} should be a list`);
  return v
    .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
    .map(String)
    .filter((s) => s !== '');
}

function addSet(into: string[], items: string[], cap: number): void {
  for (const item of items) {
    if (into.length >= cap) return;
    if (!into.includes(item)) into.push(item);
  }
}

/** Most values an activity's IP/target/status list keeps after merging workspaces. */
export const MERGED_SET_CAP = 20;

export function activityKey(source: string, action: string): string {
  return `${source}\u0000${action}`;
}

function activityFor(agg: HuntAggregate, source: string, action: string, first: Date, last: Date): HuntActivity {
  const key = activityKey(source, action);
  let a = agg.activities.get(key);
  if (!a) {
    a = { source, action, count: 0, first, last, ips: [], targets: [], statuses: [], insights: [] };
    agg.activities.set(key, a);
  }
  return a;
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Adds one workspace's rows to the aggregate; throws with the row number when a row is malformed. */
export function addRows(agg: HuntAggregate, rows: readonly Record<string, unknown>[], workspace: string): void {
  const totals = new Map<HuntTotalKey, number>();
  rows.forEach((row, i) => {
    try {
      if (typeof row === 'object' && row !== null && row.Kind === 'total') {
        const key = TOTAL_KEYS[str(row, 'Key')];
        if (key === undefined) throw new RowError(`unknown total ${JSON.stringify(row.Key)}`);
        totals.set(key, (totals.get(key) ?? 0) + count(row, 'Count'));
        return;
      }
      addRow(agg, row);
    } catch (e) {
      if (e instanceof RowError) throw new Error(`workspace ${workspace} returned an unexpected row ${i + 1}: ${e.message}`);
      throw e;
    }
  });
  for (const [key, total] of totals) {
    agg.totals.set(key, (agg.totals.get(key) ?? 0) + total);
    const returned = rows.filter((r) => r.Kind === RANKING_KIND[key]).length;
    if (total > returned) agg.capped.add(key);
  }
}

function addRow(agg: HuntAggregate, row: Record<string, unknown>): void {
  if (typeof row !== 'object' || row === null) throw new RowError('row is not an object');
  const kind = str(row, 'Kind');
  switch (kind) {
    case 'activity': {
      const first = date(row, 'First');
      const last = date(row, 'Last');
      const a = activityFor(agg, str(row, 'Source'), str(row, 'Action'), first, last);
      a.count += count(row, 'Count');
      if (first < a.first) a.first = first;
      if (last > a.last) a.last = last;
      addSet(a.ips, strings(row, 'IPs'), MERGED_SET_CAP);
      addSet(a.targets, strings(row, 'Targets'), MERGED_SET_CAP);
      addSet(a.statuses, strings(row, 'Statuses'), MERGED_SET_CAP);
      const p = optionalNumber(row, 'Priority');
      if (p !== undefined && (a.maxPriority === undefined || p > a.maxPriority)) a.maxPriority = p;
      return;
    }
    case 'day': {
      const day = utcDay(date(row, 'First'));
      agg.days.set(day, (agg.days.get(day) ?? 0) + count(row, 'Count'));
      return;
    }
    case 'ip': {
      const ip = str(row, 'Key');
      if (ip === '') return;
      const entry = agg.ips.get(ip) ?? { count: 0, locations: new Set<string>() };
      entry.count += count(row, 'Count');
      for (const l of strings(row, 'Locations')) entry.locations.add(l);
      agg.ips.set(ip, entry);
      return;
    }
    case 'target': {
      const target = str(row, 'Key');
      if (target === '') return;
      agg.targets.set(target, (agg.targets.get(target) ?? 0) + count(row, 'Count'));
      return;
    }
    case 'signin': {
      const result = str(row, 'Key') || '(no result)';
      agg.signIns.set(result, (agg.signIns.get(result) ?? 0) + count(row, 'Count'));
      return;
    }
    case 'insight': {
      const insight = str(row, 'Key');
      if (insight === '') return;
      const n = count(row, 'Count');
      agg.insights.set(insight, (agg.insights.get(insight) ?? 0) + n);
      // Row order is not guaranteed: attached to the activity when the report is assembled.
      const key = activityKey(str(row, 'Source'), str(row, 'Action'));
      const set = agg.activityInsights.get(key) ?? new Set<string>();
      set.add(insight);
      agg.activityInsights.set(key, set);
      return;
    }
    case 'identity': {
      const last = row.Last === null || row.Last === undefined ? undefined : date(row, 'Last');
      agg.identities.push({ displayName: str(row, 'DisplayName'), objectId: str(row, 'ObjectId'), count: count(row, 'Count'), last });
      return;
    }
    case 'event': {
      const ev: HuntEvent = { time: date(row, 'TimeGenerated'), source: str(row, 'Source'), action: str(row, 'Action') };
      const target = str(row, 'Target');
      const ip = str(row, 'IP');
      const status = str(row, 'Status');
      if (target) ev.target = target;
      if (ip) ev.ip = ip;
      if (status) ev.status = status;
      agg.events.push(ev);
      return;
    }
    default:
      throw new RowError(`unknown row kind ${JSON.stringify(kind)}`);
  }
}
