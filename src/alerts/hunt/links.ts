/** Deep links a hunt report carries: the query in Log Analytics, the user in Defender. */
import { gzipSync } from 'node:zlib';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An Azure resource id: /subscriptions/…/providers/…; nothing that could leave the URL path. */
const RESOURCE_ID = /^\/subscriptions\/[^\s?#]+$/i;
const TENANT = /^[A-Za-z0-9.-]{1,253}$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** ISO 8601 duration for the portal's time picker: P7D, PT36H, PT90M. */
export function isoDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `P${ms / 86_400_000}D`;
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${Math.max(1, Math.round(ms / 1000))}S`;
}

/**
 * The query opened in Log Analytics: base64(gzip(query)), URI-encoded twice, under the
 * workspace's resource id (the format Microsoft's own share links use). Undefined when
 * the resource id is not a well-formed Azure resource id.
 */
export function logAnalyticsQueryLink(query: string, workspaceResourceId: string | undefined, tenantId: string | undefined, lookbackMs: number): string | undefined {
  if (!workspaceResourceId || !RESOURCE_ID.test(workspaceResourceId)) return undefined;
  const tenant = tenantId && TENANT.test(tenantId) ? `@${tenantId}/` : '';
  const q = gzipSync(Buffer.from(query, 'utf8')).toString('base64');
  return (
    `https://portal.azure.com/#${tenant}blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView/resourceId/` +
    `${encodeURIComponent(workspaceResourceId)}/source/LogsBlade.AnalyticsShareLinkToQuery/q/` +
    `${encodeURIComponent(encodeURIComponent(q))}/timespan/${isoDuration(lookbackMs)}`
  );
}

/** The user's page in the Defender portal; undefined unless the object id is a GUID. */
export function defenderUserLink(aadObjectId: string | undefined, tenantId: string | undefined): string | undefined {
  if (!aadObjectId || !isGuid(aadObjectId)) return undefined;
  const tid = tenantId && TENANT.test(tenantId) ? `&tid=${encodeURIComponent(tenantId)}` : '';
  return `https://security.microsoft.com/user?aad=${encodeURIComponent(aadObjectId)}${tid}`;
}
