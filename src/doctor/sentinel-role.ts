import type { TokenCredential } from '@azure/core-auth';
import { sentinelRef } from '../app/incidents';
import { startLocalWorkspace } from '../app/local-workspace';
import type { Logger } from '../logging/logger';
import type { Config } from '../config';
import { ArmIncidentsClient, type WorkspacePermission } from '../incidents/arm-client';
import { IncidentApiError } from '../incidents/errors';
import { LOCAL_SENTINEL_WORKSPACE } from '../workspace/sample-data/incidents';
import { messageOf } from './format';
import { identityOf, type TokenIdentity } from './identity';
import type { CheckResult } from './types';

/** What the write-back does: read an incident, update it, add a comment. */
export const WRITE_BACK_ACTIONS = [
  'Microsoft.SecurityInsights/incidents/read',
  'Microsoft.SecurityInsights/incidents/write',
  'Microsoft.SecurityInsights/incidents/comments/write',
] as const;

/** ARM's action patterns: '*' stands for any run of characters; case does not matter. */
function grants(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return re.test(action);
}

/** True when some assignment grants the action and none of that assignment's notActions takes it away. */
export function permits(permissions: readonly WorkspacePermission[], action: string): boolean {
  return permissions.some((p) => p.actions.some((a) => grants(a, action)) && !p.notActions.some((n) => grants(n, action)));
}

export interface SentinelRoleOptions {
  credential: () => TokenCredential;
  timeoutMs: number;
  logger: Logger;
}

/**
 * For each workspace that writes back to Sentinel incidents: does the identity
 * hold what Microsoft Sentinel Responder grants (incidents read/write and
 * comments)? Read from ARM's permissions of the caller on the workspace, so a
 * custom role that grants the same passes too.
 */
export async function checkSentinelRole(config: Config, options: SentinelRoleOptions): Promise<CheckResult[]> {
  const needsLocal = config.workspaces.some(
    (w) => w.mode === 'local' && config.incidents.writeBack && (config.incidents.sources[w.name] ?? 'rules') !== 'rules',
  );
  // The embedded workspace serves its incident endpoints itself; started read-only, as the workspace check does.
  const server = needsLocal ? await startLocalWorkspace(config.workspace.localDir, 0, options.logger, { readOnly: true }) : undefined;
  try {
    return await checkAll(config, options, server?.url.replace(/\/v1\/?$/, ''));
  } finally {
    await server?.close();
  }
}

async function checkAll(config: Config, options: SentinelRoleOptions, localOrigin: string | undefined): Promise<CheckResult[]> {
  const settings = config.incidents;
  const results: CheckResult[] = [];
  for (const entry of config.workspaces) {
    const mode = settings.sources[entry.name] ?? 'rules';
    const check = `sentinel role ${entry.name}`;
    if (mode === 'rules') continue;
    if (!settings.writeBack) {
      results.push({ check, verdict: 'skip', detail: 'INCIDENT_WRITE_BACK=false: nothing is written to Sentinel' });
      continue;
    }
    const local = entry.mode === 'local';
    if (local && localOrigin === undefined) {
      results.push({ check, verdict: 'skip', detail: 'the embedded workspace was not started' });
      continue;
    }
    const ref = local ? LOCAL_SENTINEL_WORKSPACE : entry.resourceId !== undefined ? sentinelRef(entry.resourceId) : undefined;
    if (ref === undefined) {
      results.push({ check, verdict: 'FAIL', detail: 'no workspace ARM id to check the role on', fix: 'set the workspace RESOURCE_ID' });
      continue;
    }
    const scope = local
      ? `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${ref.workspaceName}`
      : (entry.resourceId as string);
    const endpoint = local ? localOrigin : settings.armEndpoint;
    const plainHttp = endpoint !== undefined && endpoint.startsWith('http:');
    let identity: TokenIdentity | undefined;
    if (!plainHttp) {
      try {
        const token = await options.credential().getToken(`${endpoint ?? 'https://management.azure.com'}/.default`, {
          abortSignal: AbortSignal.timeout(options.timeoutMs),
        });
        if (token !== null) identity = identityOf(token.token);
      } catch {
        // The permissions call below fails with the credential's own message.
      }
    }
    const client = new ArmIncidentsClient({
      workspace: ref,
      ...(endpoint !== undefined ? { endpoint } : {}),
      local: plainHttp,
      maxRetries: 1,
      ...(plainHttp ? {} : { credential: options.credential() }),
    });
    const assignee = identity?.objectId
      ? `--assignee-object-id ${identity.objectId} --assignee-principal-type ${identity.principalType}`
      : '--assignee <principal object id>';
    const fix = `az role assignment create ${assignee} --role "Microsoft Sentinel Responder" --scope ${scope}`;
    let permissions: WorkspacePermission[];
    try {
      permissions = await client.workspacePermissions();
    } catch (err) {
      const forbidden = err instanceof IncidentApiError && err.kind === 'forbidden';
      results.push({
        check,
        verdict: 'FAIL',
        detail: forbidden
          ? `the identity may not even read its permissions on the workspace: ${messageOf(err)}`
          : `could not read the identity's permissions on the workspace: ${messageOf(err)}`,
        ...(forbidden ? { fix } : {}),
      });
      continue;
    }
    const missing = WRITE_BACK_ACTIONS.filter((a) => !permits(permissions, a));
    const who = identity?.description ?? 'the identity';
    results.push(
      missing.length === 0
        ? { check, verdict: 'ok', detail: `${who} may update incidents and add comments (Microsoft Sentinel Responder or equivalent)` }
        : {
            check,
            verdict: 'FAIL',
            detail: `${who} lacks ${missing.join(', ')} on the workspace: chat decisions cannot be written back to its incidents`,
            fix,
          },
    );
  }
  return results;
}
