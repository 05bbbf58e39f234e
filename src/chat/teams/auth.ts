import type { AuthConfiguration } from '@microsoft/agents-hosting';
import { hosting } from './sdk';

/** The Azure Bot registration; all three absent means local, anonymous mode. */
export interface TeamsCredentials {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** Entra authority; default https://login.microsoftonline.com (https://login.microsoftonline.us for US Government). */
  authority?: string;
}

export type TeamsAuthMode = 'authenticated' | 'anonymous';

export interface TeamsAuth {
  mode: TeamsAuthMode;
  config: AuthConfiguration;
  /** The bot's app id (clientId), when authenticated. */
  appId?: string;
}

/** A Teams set-up that must not start. */
export class TeamsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamsSetupError';
  }
}

function given(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/**
 * Builds the SDK's auth configuration from our own settings only (never from
 * the SDK's own environment variables, so an unrelated clientId in the
 * environment cannot switch modes). With an app id every request must carry a
 * valid Bot Framework token; without one, requests are anonymous and accepted
 * only from loopback, and never when NODE_ENV is production.
 */
export function resolveTeamsAuth(credentials: TeamsCredentials, nodeEnv: string | undefined): TeamsAuth {
  const { appId, appPassword, tenantId, authority } = credentials;
  if (given(appId)) {
    if (!given(appPassword))
      throw new TeamsSetupError('Teams: TEAMS_APP_ID is set but TEAMS_APP_PASSWORD is not; the bot needs its client secret.');
    const config = hosting().getAuthConfigWithDefaults({
      clientId: appId.trim(),
      clientSecret: appPassword,
      ...(given(tenantId) ? { tenantId: tenantId.trim() } : {}),
      ...(given(authority) ? { authorityEndpoint: authority.trim() } : {}),
    });
    return { mode: 'authenticated', config, appId: appId.trim() };
  }
  if (given(appPassword) || given(tenantId)) {
    throw new TeamsSetupError(
      "Teams: TEAMS_APP_PASSWORD or TEAMS_TENANT_ID is set without TEAMS_APP_ID; set the bot registration's client id too.",
    );
  }
  if (nodeEnv === 'production') {
    throw new TeamsSetupError(
      'Teams: NODE_ENV is production but no bot credentials are configured. Set TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID ' +
        '(an Azure Bot registration), or turn Teams off; anonymous requests are only allowed locally outside production.',
    );
  }
  const config = hosting().getAuthConfigWithDefaults({});
  if (given(config.clientId)) {
    // The SDK also reads clientId / connections__* variables; they would make it demand tokens.
    throw new TeamsSetupError(
      'Teams: no TEAMS_APP_ID is configured, but the Agents SDK found a clientId in the environment (clientId or connections__*__settings__clientId). ' +
        'Unset it, or configure TEAMS_APP_ID / TEAMS_APP_PASSWORD instead.',
    );
  }
  return { mode: 'anonymous', config };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** Whether a socket's remote address is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return typeof address === 'string' && LOOPBACK.test(address);
}
