/** Who an Entra access token speaks for, read from its claims (the token is not verified: it is ours, just obtained). */
export interface TokenIdentity {
  /** "user alice@contoso.com" or "app 1111… (managed identity …)". */
  description: string;
  /** Object id of the principal: what a role assignment names. */
  objectId?: string;
  principalType: 'User' | 'ServicePrincipal';
}

function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (part === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function identityOf(token: string): TokenIdentity {
  const c = claims(token);
  const objectId = str(c.oid);
  const user = str(c.upn) ?? str(c.unique_name) ?? str(c.preferred_username);
  if (user !== undefined && str(c.idtyp) !== 'app') {
    return { description: `user ${user}${objectId ? ` (object id ${objectId})` : ''}`, objectId, principalType: 'User' };
  }
  const appId = str(c.appid) ?? str(c.azp);
  const managed = str(c.xms_mirid);
  const what = managed !== undefined ? `managed identity ${managed.split('/').pop() ?? managed}` : 'app';
  return {
    description: `${what}${appId ? ` (client id ${appId}` : ' ('}${objectId ? `${appId ? ', ' : ''}object id ${objectId})` : ')'}`.replace(
      ' ()',
      '',
    ),
    objectId,
    principalType: 'ServicePrincipal',
  };
}
