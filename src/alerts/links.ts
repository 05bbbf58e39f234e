/** Deep links into the Azure, Defender and Log Analytics portals: string building only. */
import { gzipSync } from 'node:zlib';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tenants are GUIDs or verified domains (contoso.onmicrosoft.com). */
const TENANT =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;
/** ARM ids: /subscriptions/… with no empty, dot-only or whitespace segments. */
const RESOURCE_ID = /^\/subscriptions\/[^/\s]+(?:\/[^/\s]+)*$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

function tenantPart(tenantId: string | undefined): string {
  return tenantId !== undefined && TENANT.test(tenantId) ? `@${tenantId}/` : '';
}

/** Encodes each path segment; undefined when the id is not an ARM resource id. */
function encodeResourceId(resourceId: string): string | undefined {
  if (!RESOURCE_ID.test(resourceId)) return undefined;
  const segments = resourceId.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return undefined;
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

/** The user's page in the Defender portal; needs both the Entra object id and the tenant id. */
export function defenderUserUrl(aadObjectId: string | undefined, tenantId: string | undefined): string | undefined {
  if (aadObjectId === undefined || tenantId === undefined) return undefined;
  if (!GUID.test(aadObjectId) || !GUID.test(tenantId)) return undefined;
  return `https://security.microsoft.com/user?aad=${aadObjectId.toLowerCase()}&tid=${tenantId.toLowerCase()}`;
}

/** The resource's blade in the Azure portal. */
export function azureResourceUrl(resourceId: string | undefined, tenantId: string | undefined): string | undefined {
  if (resourceId === undefined) return undefined;
  const encoded = encodeResourceId(resourceId);
  if (encoded === undefined) return undefined;
  return `https://portal.azure.com/#${tenantPart(tenantId)}resource${encoded}`;
}

/**
 * The query opened in Log Analytics: base64(gzip(query)), URI-encoded twice,
 * in the share-link form the portal itself produces (see PLATFORM-NOTES).
 */
export function logAnalyticsQueryUrl(
  query: string | undefined,
  workspaceResourceId: string | undefined,
  tenantId: string | undefined,
  timespan = 'P1D',
): string | undefined {
  if (query === undefined || query.trim().length === 0 || workspaceResourceId === undefined) return undefined;
  if (encodeResourceId(workspaceResourceId) === undefined) return undefined;
  const packed = gzipSync(Buffer.from(query, 'utf8')).toString('base64');
  return (
    `https://portal.azure.com/#${tenantPart(tenantId)}blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView` +
    `/resourceId/${encodeURIComponent(workspaceResourceId)}` +
    `/source/LogsBlade.AnalyticsShareLinkToQuery/q/${encodeURIComponent(encodeURIComponent(packed))}` +
    `/timespan/${encodeURIComponent(timespan)}`
  );
}

/** ISO 8601 duration for the portal's time picker: P7D, PT36H, PT90M. */
export function isoDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `P${ms / 86_400_000}D`;
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${Math.max(1, Math.round(ms / 1000))}S`;
}

/** The incident's page in the Sentinel portal, built from the workspace's ARM id and the incident's name only. */
export function sentinelIncidentUrl(
  workspaceResourceId: string | undefined,
  incidentName: string | undefined,
  tenantId: string | undefined,
): string | undefined {
  if (workspaceResourceId === undefined || incidentName === undefined || !/^[A-Za-z0-9-]{1,64}$/.test(incidentName)) return undefined;
  const encoded = encodeResourceId(workspaceResourceId);
  if (encoded === undefined) return undefined;
  return `https://portal.azure.com/#${tenantPart(tenantId)}asset/Microsoft_Azure_Security_Insights/Incident${encoded}/providers/Microsoft.SecurityInsights/Incidents/${incidentName}`;
}
