import { z } from 'zod';
import type { EnvReader } from '../reader';
import { bool, duration, guid, list, oneOf, url } from '../fields';
import { workspaceVariablePrefix, type WorkspaceEntry } from './workspaces';

/**
 * Where a workspace's alerts come from: the rules FirstWatch runs itself, the
 * incidents Sentinel raises, or both (an incident of a rule FirstWatch runs is
 * then linked to FirstWatch's own alert for the hit, not posted again).
 */
export const ALERT_SOURCES = ['rules', 'incidents', 'both'] as const;
export type AlertSourceMode = (typeof ALERT_SOURCES)[number];

export const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;

export interface IncidentsConfig {
  /** By workspace name (every configured workspace has one). */
  sources: Record<string, AlertSourceMode>;
  /** Which incidents are followed; empty lists let every incident through. */
  filter: { ruleIds: string[]; titles: string[]; severities: Array<(typeof SEVERITIES)[number]>; products: string[] };
  /** Decisions made in chat are written to the incident (needs Microsoft Sentinel Responder). */
  writeBack: boolean;
  /** Azure Resource Manager; default https://management.azure.com. */
  armEndpoint?: string;
  pollIntervalMs: number;
  /** 'both': how long an incident of FirstWatch's own rule waits for FirstWatch's alert before it is posted itself. */
  linkWaitMs: number;
  /** First read of SecurityIncident: how far back by ingestion time. */
  firstRunLookbackMs: number;
}

const source = oneOf(ALERT_SOURCES);
const text = z.string().min(1).max(200);
const armEndpoint = url({
  what: 'an https URL such as https://management.azure.com (http only to localhost)',
  check: (u) => u.search === '' && u.hash === '',
});

/**
 * ALERT_SOURCE (every workspace) and WORKSPACE_<NAME>_SOURCE (one) choose
 * rules, incidents or both; the embedded workspace defaults to both, a real one
 * to rules (what FirstWatch did before it followed incidents).
 */
export function readIncidents(r: EnvReader, workspaces: readonly WorkspaceEntry[], listed: boolean): IncidentsConfig {
  const all = r.get('ALERT_SOURCE', source);
  const sources: Record<string, AlertSourceMode> = {};
  for (const ws of workspaces) {
    const own = listed ? r.get(`${workspaceVariablePrefix(ws.name)}SOURCE`, source) : undefined;
    sources[ws.name] = own ?? all ?? (ws.mode === 'local' ? 'both' : 'rules');
  }
  const writeBack = r.get('INCIDENT_WRITE_BACK', bool) ?? true;
  if (writeBack) {
    for (const ws of workspaces) {
      if (sources[ws.name] === 'rules' || ws.mode === 'local' || ws.resourceId !== undefined) continue;
      const variable = listed ? `${workspaceVariablePrefix(ws.name)}RESOURCE_ID` : 'WORKSPACE_RESOURCE_ID';
      r.fail(
        variable,
        `${variable} is not set but workspace "${ws.name}" follows Sentinel incidents and writes back to them: ` +
          `give the workspace's ARM id, or set INCIDENT_WRITE_BACK=false`,
      );
    }
  }
  const armUrl = r.get('SENTINEL_ARM_ENDPOINT', armEndpoint);
  return {
    sources,
    filter: {
      ruleIds: (r.get('INCIDENT_RULE_IDS', list(guid, 'analytic rule ids (GUIDs)')) ?? []).map((s) => s.toLowerCase()),
      titles: r.get('INCIDENT_TITLES', list(text, 'title words')) ?? [],
      severities:
        (r.get('INCIDENT_SEVERITIES', list(oneOf(SEVERITIES), SEVERITIES.join(', '))) as IncidentsConfig['filter']['severities']) ?? [],
      products: r.get('INCIDENT_PRODUCTS', list(text, 'product names such as Azure Sentinel')) ?? [],
    },
    writeBack,
    ...(armUrl !== undefined ? { armEndpoint: armUrl.toString().replace(/\/+$/, '') } : {}),
    pollIntervalMs: r.get('INCIDENT_POLL_INTERVAL', duration) ?? 60_000,
    linkWaitMs: r.get('INCIDENT_LINK_WAIT', duration) ?? 2 * 3_600_000,
    firstRunLookbackMs: r.get('INCIDENT_FIRST_LOOKBACK', duration) ?? 24 * 3_600_000,
  };
}
