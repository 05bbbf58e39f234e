/** Deep links a hunt report carries: the query in Log Analytics, the user in Defender. */
import { defenderUserUrl, isGuid, isoDuration, logAnalyticsQueryUrl } from '../links';

export { isGuid, isoDuration };

export function logAnalyticsQueryLink(
  query: string,
  workspaceResourceId: string | undefined,
  tenantId: string | undefined,
  lookbackMs: number,
): string | undefined {
  return logAnalyticsQueryUrl(query, workspaceResourceId, tenantId, isoDuration(lookbackMs));
}

export function defenderUserLink(aadObjectId: string | undefined, tenantId: string | undefined): string | undefined {
  return defenderUserUrl(aadObjectId, tenantId);
}
