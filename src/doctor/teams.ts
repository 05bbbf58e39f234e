import { playgroundInstalled } from '../chat/teams/playground';
import type { Config } from '../config';
import type { ConversationStore } from '../store';
import { messageOf } from './format';
import type { CheckResult } from './types';

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/** Hints for the Entra errors an operator meets when setting a bot up. */
const AADSTS_FIXES: Record<string, string> = {
  AADSTS7000215:
    'TEAMS_APP_PASSWORD is not a valid client secret of TEAMS_APP_ID: create a new one (Certificates & secrets) and copy its Value, not its ID',
  AADSTS7000222: 'the client secret has expired: create a new one and update TEAMS_APP_PASSWORD',
  AADSTS700016: "TEAMS_APP_ID is not an app registration in TEAMS_TENANT_ID: check both on the Azure Bot's Configuration page",
  AADSTS90002: 'TEAMS_TENANT_ID names no tenant: use the directory (tenant) id of the bot registration',
  AADSTS900023: 'TEAMS_TENANT_ID is not a tenant id or domain',
};

type TeamsBot = Extract<Config['teams'], { mode: 'bot' }>;

/** Client credentials against the authority: the same token the bot needs to post. */
async function botToken(bot: TeamsBot, authority: string, timeoutMs: number): Promise<CheckResult> {
  const tenant = bot.tenantId ?? 'botframework.com';
  const url = `${authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
  const check = 'teams bot credentials';
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: bot.appId,
        client_secret: bot.appPassword,
        scope: BOT_FRAMEWORK_SCOPE,
      }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body: unknown = await response.json().catch(() => undefined);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (response.ok && typeof b.access_token === 'string') {
      return { check, verdict: 'ok', detail: `app ${bot.appId} obtained a Bot Framework token from tenant ${tenant}` };
    }
    const description = typeof b.error_description === 'string' ? b.error_description.split(/\r?\n/)[0] : `HTTP ${response.status}`;
    const code = /AADSTS\d+/.exec(description)?.[0];
    return {
      check,
      verdict: 'FAIL',
      detail: `no token for app ${bot.appId} from tenant ${tenant}: ${typeof b.error === 'string' ? `${b.error}: ` : ''}${description}`,
      fix:
        (code !== undefined ? AADSTS_FIXES[code] : undefined) ??
        'check TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID against the Azure Bot registration',
    };
  } catch (err) {
    return {
      check,
      verdict: 'FAIL',
      detail: `${url}: ${messageOf(err)}`,
      fix: 'check that this host reaches login.microsoftonline.com (proxy, firewall)',
    };
  }
}

/** Every channel some workspace's alerts go to. */
function alertChannels(config: Config, channels: readonly string[]): string[] {
  return [...new Set(config.workspaces.flatMap((w) => w.teamsChannels ?? channels))];
}

export async function checkTeams(
  config: Config,
  store: ConversationStore | undefined,
  authority: string,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const teams = config.teams;
  if (teams.mode === 'off')
    return [{ check: 'teams', verdict: 'skip', detail: 'Teams is off (no TEAMS_APP_ID, and the Playground is off)' }];
  if (teams.mode === 'playground') {
    if (!playgroundInstalled()) {
      return [
        {
          check: 'teams',
          verdict: 'warn',
          detail: 'the local Microsoft 365 Agents Playground is selected (no TEAMS_APP_ID) but not installed: it is a devDependency',
          fix: 'npm ci without --omit=dev to use it, or set TEAMS_PLAYGROUND=false (or TEAMS_APP_ID for a real bot)',
        },
      ];
    }
    return [
      {
        check: 'teams',
        verdict: 'ok',
        detail: `local Microsoft 365 Agents Playground, anonymous: no credentials to check; alerts go to ${alertChannels(config, teams.channels).join(', ') || 'General'} of its test team`,
      },
    ];
  }
  const results: CheckResult[] = [await botToken(teams, authority, timeoutMs)];
  if (teams.tenantId === undefined) {
    results.push({
      check: 'teams tenant',
      verdict: 'warn',
      detail: 'TEAMS_TENANT_ID is not set: only multi-tenant bot registrations work without it, and Azure no longer creates new ones',
      fix: 'set TEAMS_TENANT_ID to the tenant of the single-tenant bot registration',
    });
  }
  const channels = alertChannels(config, teams.channels);
  if (channels.length === 0) {
    results.push({
      check: 'teams channels',
      verdict: 'warn',
      detail: 'no channel receives alerts',
      fix: 'set TEAMS_CHANNELS (or WORKSPACE_<NAME>_TEAMS_CHANNELS) to channel names or ids',
    });
  }
  for (const channel of channels) {
    const check = `teams channel ${channel}`;
    if (store === undefined) {
      results.push({ check, verdict: 'skip', detail: 'not checked: the store did not open (see above)' });
      continue;
    }
    try {
      const ref = await store.getConversationRef('teams', channel);
      results.push(
        ref !== undefined
          ? { check, verdict: 'ok', detail: `known: the bot has a conversation reference for "${ref.name}"` }
          : {
              check,
              verdict: 'FAIL',
              detail: 'unknown: the bot has never been added to or addressed in this channel, so it cannot post there (alerts wait)',
              fix: `add the FirstWatch app to the team (npm run package:teams → upload dist/firstwatch-teams.zip), or @mention FirstWatch once in "${channel}"`,
            },
      );
    } catch (err) {
      results.push({ check, verdict: 'FAIL', detail: messageOf(err), fix: 'check the store (see above)' });
    }
  }
  return results;
}
