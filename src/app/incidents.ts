import { ArmIncidentsClient, type SentinelIncidentsClient } from '../incidents/arm-client';
import { FOLLOW_ALL, type IncidentFilter } from '../incidents/incident-filter';
import { IncidentSource } from '../incidents/incident-source';
import { IncidentSync, type IncidentWorkspace } from '../incidents/incident-sync';
import { IncidentWriter } from '../incidents/incident-writer';
import type { SentinelWorkspaceRef } from '../incidents/types';
import type { Config } from '../config';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import type { WorkspaceBinding } from '../poller/poller';
import type { Leadership } from '../store/leadership';
import type { Store } from '../store';
import type { Clock } from '../time/clock';
import { LOCAL_SENTINEL_WORKSPACE } from '../workspace/sample-data/incidents';

const ARM_WORKSPACE =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.operationalinsights\/workspaces\/([^/]+)$/i;

/** The Sentinel workspace behind a Log Analytics workspace's ARM id. */
export function sentinelRef(resourceId: string): SentinelWorkspaceRef | undefined {
  const m = ARM_WORKSPACE.exec(resourceId);
  return m ? { subscriptionId: m[1] as string, resourceGroup: m[2] as string, workspaceName: m[3] as string } : undefined;
}

export interface IncidentWiring {
  sync: IncidentSync;
  /** The incidents client of each workspace that writes back, by name (doctor and tests use them). */
  clients: Map<string, SentinelIncidentsClient>;
}

/**
 * Builds the incident loop from configuration, or undefined when no workspace
 * follows incidents. The embedded workspace's incident endpoints are served by
 * the local workspace server (`localOrigin`); a real one's by ARM.
 */
export function buildIncidentSync(input: {
  config: Config;
  store: Store;
  workspaces: WorkspaceBinding[];
  detections: Detection[];
  leadership: Leadership;
  clock: Clock;
  logger: Logger;
  localOrigin?: string;
  onChanged: () => void;
}): IncidentWiring | undefined {
  const { config, store, clock, logger } = input;
  const settings = config.incidents;
  const filter: IncidentFilter = {
    ...FOLLOW_ALL,
    ruleIds: [...settings.filter.ruleIds],
    titles: [...settings.filter.titles],
    severities: [...settings.filter.severities],
    products: [...settings.filter.products],
  };
  const ownRuleIds = new Set(input.detections.map((d) => d.id.toLowerCase()));
  const clients = new Map<string, SentinelIncidentsClient>();
  const parts: IncidentWorkspace[] = [];
  config.workspaces.forEach((entry, i) => {
    const mode = settings.sources[entry.name] ?? 'rules';
    if (mode === 'rules') return;
    const binding = input.workspaces[i];
    if (binding === undefined) return;
    const source = new IncidentSource({
      workspace: binding,
      store,
      mode,
      filter,
      ownRuleIds,
      clock,
      overlapMs: config.schedule.pollOverlapMs,
      firstRunLookbackMs: settings.firstRunLookbackMs,
      linkWaitMs: settings.linkWaitMs,
    });
    let client: SentinelIncidentsClient | undefined;
    if (settings.writeBack) {
      if (entry.mode === 'local' && input.localOrigin !== undefined) {
        client = new ArmIncidentsClient({ workspace: LOCAL_SENTINEL_WORKSPACE, endpoint: input.localOrigin, local: true });
      } else if (entry.resourceId !== undefined) {
        const ref = sentinelRef(entry.resourceId);
        const endpoint = settings.armEndpoint;
        if (ref !== undefined)
          client = new ArmIncidentsClient({
            workspace: ref,
            ...(endpoint !== undefined ? { endpoint } : {}),
            // A loopback http endpoint is a local stand-in: no Azure token crosses it.
            local: endpoint !== undefined && endpoint.startsWith('http:'),
          });
      }
    }
    if (client !== undefined) clients.set(entry.name, client);
    parts.push({ name: entry.name, source, ...(client !== undefined ? { client } : {}) });
  });
  if (parts.length === 0) return undefined;
  const log = logger.child({ component: 'incidents' });
  const writer =
    clients.size > 0
      ? new IncidentWriter({
          store,
          clientFor: (workspace) => clients.get(workspace),
          clock,
          onWritten: (job, outcome) =>
            log.info(
              {
                workspace: job.workspace,
                alertId: job.alertId,
                incident: job.incidentName,
                outcome: outcome.kind,
                status: outcome.incident.properties.status,
                owner: outcome.incident.properties.owner?.userPrincipalName ?? outcome.incident.properties.owner?.assignedTo,
                classification: outcome.incident.properties.classification ?? undefined,
              },
              'Sentinel incident written back',
            ),
        })
      : undefined;
  const sync = new IncidentSync({
    workspaces: parts,
    ...(writer !== undefined ? { writer } : {}),
    store,
    clock,
    logger: log,
    intervalMs: settings.pollIntervalMs,
    followLookbackMs: settings.firstRunLookbackMs,
    isLeader: () => input.leadership.tryAcquire(),
    onChanged: input.onChanged,
  });
  return { sync, clients };
}
