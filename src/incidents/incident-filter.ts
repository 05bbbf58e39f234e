import type { IncidentSeverity } from './types';
import type { IncidentAlertRecord, IncidentRecord } from './incident-rows';

/**
 * Which Sentinel incidents FirstWatch follows. Each list left empty lets every
 * incident through; lists that are set must all match (one entry of each is enough).
 */
export interface IncidentFilter {
  /** Analytic rule GUIDs: the incident's rules or its alerts' rules. */
  ruleIds: readonly string[];
  /** Case-insensitive parts of the title. */
  titles: readonly string[];
  severities: readonly IncidentSeverity[];
  /** Alert product names (Azure Sentinel, Microsoft Defender for Cloud, ...), case-insensitive. */
  products: readonly string[];
}

export const FOLLOW_ALL: IncidentFilter = { ruleIds: [], titles: [], severities: [], products: [] };

/** The rule GUIDs an incident came from: its own list and its alerts'. */
export function rulesOf(incident: IncidentRecord, alerts: readonly IncidentAlertRecord[]): Set<string> {
  return new Set([...incident.ruleIds, ...alerts.flatMap((a) => a.ruleIds)].map((r) => r.toLowerCase()));
}

export function matchesFilter(filter: IncidentFilter, incident: IncidentRecord, alerts: readonly IncidentAlertRecord[]): boolean {
  if (filter.ruleIds.length > 0) {
    const rules = rulesOf(incident, alerts);
    if (!filter.ruleIds.some((r) => rules.has(r.toLowerCase()))) return false;
  }
  if (filter.titles.length > 0) {
    const title = incident.title.toLowerCase();
    if (!filter.titles.some((t) => title.includes(t.toLowerCase()))) return false;
  }
  if (filter.severities.length > 0 && !filter.severities.includes(incident.severity)) return false;
  if (filter.products.length > 0) {
    const products = new Set([...incident.productNames, ...alerts.map((a) => a.productName ?? '')].map((p) => p.toLowerCase()));
    if (!filter.products.some((p) => products.has(p.toLowerCase()))) return false;
  }
  return true;
}
