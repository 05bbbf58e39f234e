/**
 * What FirstWatch checks of a Teams request after the Agents SDK has verified
 * the token's signature, audience and expiry: who issued it, for which tenant,
 * for how long, and that the activity belongs to the same tenant. The SDK
 * accepts any issuer whose key it can fetch unless told otherwise, and any lifetime.
 */
export interface TokenPolicy {
  /** TEAMS_TENANT_ID of a single-tenant bot (GUID or domain); unset: multi-tenant. */
  tenantId?: string;
  /** Entra authority, default https://login.microsoftonline.com. */
  authority?: string;
  /** Longest lifetime accepted (exp minus nbf or iat). Entra grants at most about a day. */
  maxLifetimeSec?: number;
}

const BOT_FRAMEWORK_ISSUERS = ['https://api.botframework.com', 'https://api.botframework.us'];
const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
const DAY_SEC = 24 * 3600;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The issuers a token may come from: the Bot Framework, and Entra for the configured tenant only. */
export function acceptedIssuers(policy: TokenPolicy): string[] {
  const out = [...BOT_FRAMEWORK_ISSUERS];
  const tenant = policy.tenantId?.trim();
  if (tenant !== undefined && tenant.length > 0) {
    const authority = (policy.authority ?? DEFAULT_AUTHORITY).replace(/\/+$/, '');
    out.push(
      `https://sts.windows.net/${tenant}/`,
      `${DEFAULT_AUTHORITY}/${tenant}/v2.0`,
      `${authority}/${tenant}/v2.0`,
      `${authority}/${tenant}/`,
    );
  }
  return out.map((i) => i.toLowerCase());
}

/** The tenant an activity says it belongs to (conversation.tenantId or channelData.tenant.id). */
function activityTenant(activity: unknown): string | undefined {
  if (!isRecord(activity)) return undefined;
  const conversation = activity.conversation;
  if (isRecord(conversation) && typeof conversation.tenantId === 'string') return conversation.tenantId;
  const data = activity.channelData;
  if (isRecord(data) && isRecord(data.tenant) && typeof data.tenant.id === 'string') return data.tenant.id;
  return undefined;
}

/** Why a verified token (and its activity) is refused, or undefined when it is acceptable. For the log only. */
export function tokenProblem(claims: unknown, activity: unknown, policy: TokenPolicy): string | undefined {
  if (!isRecord(claims)) return 'no verified token claims';
  const iss = typeof claims.iss === 'string' ? claims.iss.toLowerCase() : undefined;
  if (iss === undefined || !acceptedIssuers(policy).includes(iss))
    return `issuer ${JSON.stringify(claims.iss)} is not the Bot Framework or the configured tenant`;
  const exp = claims.exp;
  const start = typeof claims.nbf === 'number' ? claims.nbf : claims.iat;
  if (typeof exp !== 'number' || typeof start !== 'number') return 'the token has no lifetime (exp with nbf or iat)';
  const max = policy.maxLifetimeSec ?? DAY_SEC;
  if (exp - start > max) return `the token lives ${exp - start} s, more than the ${max} s any issuer grants`;
  const tenant = policy.tenantId?.trim();
  if (tenant !== undefined && GUID.test(tenant)) {
    if (typeof claims.tid === 'string' && claims.tid.toLowerCase() !== tenant.toLowerCase())
      return `token tenant ${claims.tid} is not ${tenant}`;
    const from = activityTenant(activity);
    if (from === undefined) return 'the activity names no tenant';
    if (from.toLowerCase() !== tenant.toLowerCase()) return `activity tenant ${from} is not ${tenant}`;
  }
  return undefined;
}
