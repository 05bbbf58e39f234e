import { z } from 'zod';
import type { EnvReader } from '../reader';
import { bool, guid, int, nonEmpty, tenant, url } from '../fields';

export interface AzureConfig {
  /** Read by DefaultAzureCredential from the environment; validated and passed on here. */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
}

interface WorkspaceCommon {
  /** Query API base URL, ending in /v1. */
  endpoint: string;
  /** Label on cards and in logs. */
  name: string;
  /** ARM id of the workspace, for portal deep links. */
  resourceId?: string;
  localDir: string;
  /** 0 = ephemeral. */
  localPort: number;
  queryMaxRetries: number;
  queryTimeoutSeconds: number;
  /** The identity's query limits the poller keeps to (Azure Monitor: 5 at once, 200 per 30 s). */
  queryLimits: { maxConcurrent: number; maxRequests: number; windowMs: number };
  /** Poll one rule over many workspaces (same endpoint, same window) as one query, split back by TenantId. */
  crossWorkspaceQueries: boolean;
}

/** 'local': the embedded workspace; 'log-analytics': a real Log Analytics workspace, by its id (GUID). */
export type WorkspaceConfig = WorkspaceCommon & ({ mode: 'local' } | { mode: 'log-analytics'; workspaceId: string });

const RESOURCE_ID_RE =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i;

export const resourceId = z
  .string()
  .regex(
    RESOURCE_ID_RE,
    'an ARM id like /subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>',
  );

export const endpoint = url({
  what: 'an https URL ending in /v1, e.g. https://api.loganalytics.io/v1 (http only to localhost)',
  check: (u) => u.pathname.replace(/\/+$/, '').endsWith('/v1') && u.search === '' && u.hash === '',
});

export const DEFAULT_LOG_ANALYTICS_ENDPOINT = 'https://api.loganalytics.io/v1';

export function readAzure(r: EnvReader): AzureConfig {
  const tenantId = r.get('AZURE_TENANT_ID', tenant);
  const clientId = r.get('AZURE_CLIENT_ID', guid);
  const clientSecret = r.get('AZURE_CLIENT_SECRET', nonEmpty, 'secret');
  if (r.isSet('AZURE_CLIENT_SECRET')) {
    // A client secret alone authenticates nothing: EnvironmentCredential needs all three.
    for (const needed of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID']) {
      if (!r.isSet(needed)) {
        r.fail(needed, `${needed} is not set but AZURE_CLIENT_SECRET=*** is: a client secret needs AZURE_TENANT_ID and AZURE_CLIENT_ID`);
      }
    }
  }
  return { tenantId, clientId, clientSecret };
}

/** undefined when LOG_ANALYTICS_WORKSPACE_ID is set but invalid (the problem is recorded). */
export function readWorkspace(r: EnvReader): WorkspaceConfig | undefined {
  const workspaceId = r.get('LOG_ANALYTICS_WORKSPACE_ID', guid);
  const endpointUrl = r.get('LOG_ANALYTICS_ENDPOINT', endpoint);
  const remote = r.isSet('LOG_ANALYTICS_WORKSPACE_ID');
  const common: WorkspaceCommon = {
    endpoint: endpointUrl ? endpointUrl.toString().replace(/\/+$/, '') : DEFAULT_LOG_ANALYTICS_ENDPOINT,
    name:
      r.get('WORKSPACE_NAME', z.string().regex(/^[\w .@-]{1,64}$/, 'a label of 1–64 letters, digits, spaces or . _ @ -')) ??
      (remote ? 'sentinel' : 'local'),
    resourceId: r.get('WORKSPACE_RESOURCE_ID', resourceId),
    localDir: r.get('LOCAL_WORKSPACE_DIR', nonEmpty) ?? './data/workspace',
    localPort: r.get('LOCAL_WORKSPACE_PORT', int(0, 65535)) ?? 0,
    queryMaxRetries: r.get('QUERY_MAX_RETRIES', int(0, 10)) ?? 3,
    // Log Analytics stops any query at 10 minutes.
    queryTimeoutSeconds: r.get('QUERY_TIMEOUT_SECONDS', int(1, 600)) ?? 180,
    queryLimits: {
      maxConcurrent: r.get('QUERY_MAX_CONCURRENT', int(1, 100)) ?? 5,
      maxRequests: r.get('QUERY_MAX_REQUESTS', int(1, 100_000)) ?? 200,
      windowMs: (r.get('QUERY_RATE_WINDOW_SECONDS', int(1, 3600)) ?? 30) * 1000,
    },
    crossWorkspaceQueries: r.get('CROSS_WORKSPACE_QUERIES', bool) ?? false,
  };
  if (!remote) return { mode: 'local', ...common };
  return workspaceId === undefined ? undefined : { mode: 'log-analytics', workspaceId, ...common };
}
