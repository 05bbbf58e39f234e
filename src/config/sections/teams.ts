import { z } from 'zod';
import type { EnvReader } from '../reader';
import { bool, guid, list, nonEmpty, port, tenant } from '../fields';
import type { NodeEnv } from './server';

/** A registered Azure Bot, reached by real Teams. */
interface TeamsBotConfig {
  mode: 'bot';
  /** clientId of the Azure Bot registration. */
  appId: string;
  /** clientSecret; print only through redactConfig. */
  appPassword: string;
  /** Unset: a multi-tenant registration. */
  tenantId?: string;
  /** Channel ids or names that receive alerts. */
  channels: string[];
}

/** The local Microsoft 365 Agents Playground, anonymous. */
interface TeamsPlaygroundConfig {
  mode: 'playground';
  /** Channel ids or names that receive alerts; empty = the Playground's General. */
  channels: string[];
  playgroundPort: number;
}

export type TeamsConfig = { mode: 'off' } | TeamsPlaygroundConfig | TeamsBotConfig;

export const channel = z.string().regex(/^[^\s,][^,]{0,199}$/, 'a channel id or name');

/** undefined when the bot is asked for but a value it needs is missing or invalid (the problem is recorded). */
export function readTeams(r: EnvReader, nodeEnv: NodeEnv): TeamsConfig | undefined {
  const appId = r.get('TEAMS_APP_ID', guid);
  const appPassword = r.get('TEAMS_APP_PASSWORD', nonEmpty, 'secret');
  const tenantId = r.get('TEAMS_TENANT_ID', tenant);
  const hasId = r.isSet('TEAMS_APP_ID');
  if (hasId && !r.isSet('TEAMS_APP_PASSWORD')) {
    r.fail('TEAMS_APP_PASSWORD', 'TEAMS_APP_PASSWORD is not set but TEAMS_APP_ID is: the bot needs its client secret');
  }
  if (!hasId && r.isSet('TEAMS_APP_PASSWORD')) {
    r.fail('TEAMS_APP_ID', "TEAMS_APP_ID is not set but TEAMS_APP_PASSWORD=*** is: set the bot registration's client id");
  }
  if (!hasId && r.isSet('TEAMS_TENANT_ID')) {
    r.fail(
      'TEAMS_APP_ID',
      `TEAMS_APP_ID is not set but TEAMS_TENANT_ID="${r.raw('TEAMS_TENANT_ID')}" is: set the bot registration's client id`,
    );
  }
  const explicit = r.get('TEAMS_PLAYGROUND', bool);
  // The Playground sends no token; the Agents SDK rejects tokenless requests once a
  // clientId is configured, and always in production.
  if (explicit === true && hasId) {
    r.fail(
      'TEAMS_PLAYGROUND',
      'TEAMS_PLAYGROUND="true" is not valid with TEAMS_APP_ID set: the Playground sends no token, so the bot would refuse it',
    );
  }
  if (explicit === true && nodeEnv === 'production') {
    r.fail(
      'TEAMS_PLAYGROUND',
      'TEAMS_PLAYGROUND="true" is not valid with NODE_ENV="production": the Agents SDK refuses anonymous requests in production',
    );
  }
  const playground = explicit ?? (!hasId && nodeEnv !== 'production');
  const channels = r.get('TEAMS_CHANNELS', list(channel, 'channel ids or names')) ?? [];
  const playgroundPort = r.get('TEAMS_PLAYGROUND_PORT', port) ?? 56150;
  if (hasId) {
    if (appId === undefined || appPassword === undefined) return undefined;
    return { mode: 'bot', appId, appPassword, ...(tenantId !== undefined ? { tenantId } : {}), channels };
  }
  return playground ? { mode: 'playground', channels, playgroundPort } : { mode: 'off' };
}
