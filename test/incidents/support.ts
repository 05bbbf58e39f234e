import { ArmIncidentsClient } from '../../src/incidents/arm-client';
import type { IncidentProperties, SentinelWorkspaceRef } from '../../src/incidents/types';
import { SentinelIncidentStandIn } from '../../src/workspace/server/sentinel-incidents';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';

export const WS: SentinelWorkspaceRef = {
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  resourceGroup: 'rg-sec',
  workspaceName: 'law-sentinel',
};

export interface IncidentRig {
  server: WorkspaceServer;
  standIn: SentinelIncidentStandIn;
  /** The ARM origin of the local server (what `endpoint` takes). */
  origin: string;
  client(extra?: Partial<ConstructorParameters<typeof ArmIncidentsClient>[0]>): ArmIncidentsClient;
  seed(name: string, props?: Partial<IncidentProperties>): void;
  portal(name: string, change: Partial<IncidentProperties>): void;
  close(): Promise<void>;
}

export async function startIncidentRig(now: () => Date, options: { requireBearer?: string; pageSize?: number } = {}): Promise<IncidentRig> {
  const standIn = new SentinelIncidentStandIn(now, { pageSize: options.pageSize });
  standIn.addWorkspace(WS.subscriptionId, WS.resourceGroup, WS.workspaceName);
  const server = await startWorkspaceServer({
    source: { getTable: () => undefined },
    incidents: standIn,
    clock: now,
    requireBearer: options.requireBearer,
  });
  const origin = server.url.replace(/\/v1$/, '');
  return {
    server,
    standIn,
    origin,
    client: (extra = {}) =>
      new ArmIncidentsClient({ workspace: WS, endpoint: origin, local: true, retryDelayMs: 1, maxRetryDelayMs: 2, ...extra }),
    seed: (name, props = {}) => {
      standIn.seed(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, name, {
        title: 'First-time Run Command on a VM',
        severity: 'Medium',
        status: 'New',
        ...props,
      });
    },
    portal: (name, change) => {
      standIn.portalEdit(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, name, change);
    },
    close: () => server.close(),
  };
}
