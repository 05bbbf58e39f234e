import { z } from 'zod';
import type { EnvReader } from '../reader';
import { guid, list } from '../fields';
import { DEFAULT_LOG_ANALYTICS_ENDPOINT, endpoint, resourceId, type WorkspaceConfig } from './azure';
import { channelId } from './slack';
import { channel as teamsChannel } from './teams';
import { responder } from './misc';

/**
 * One workspace FirstWatch queries, with the chat targets its alerts go to.
 * An MSSP lists its customers' workspaces; a single team has exactly one.
 */
interface WorkspaceEntryCommon {
  /** Label on cards, in logs, in watermarks and for `hunt --workspace`. */
  name: string;
  /** Query API base URL, ending in /v1. Plain http (loopback only) means a local workspace server: no Azure token. */
  endpoint: string;
  resourceId?: string;
  /** Slack channels for this workspace's alerts; undefined = SLACK_CHANNELS. */
  slackChannels?: string[];
  /** Teams channels for this workspace's alerts; undefined = TEAMS_CHANNELS. */
  teamsChannels?: string[];
  /** Emails/UPNs or platform ids allowed to act on, list and hunt this workspace only (WORKSPACE_<NAME>_RESPONDERS). */
  responders?: string[];
}

/** 'local': the embedded workspace this process starts; 'log-analytics': a query API at `endpoint`, by workspace id. */
export type WorkspaceEntry = WorkspaceEntryCommon & ({ mode: 'local' } | { mode: 'log-analytics'; workspaceId: string });

/** The list variable; read by name here because each workspace's own variables are named after it. */
const LIST_VARIABLE = 'WORKSPACES';
const PREFIX = 'WORKSPACE_';
const FIELDS = ['ID', 'ENDPOINT', 'RESOURCE_ID', 'SLACK_CHANNELS', 'TEAMS_CHANNELS', 'RESPONDERS', 'SOURCE'] as const;

const workspaceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/i, 'a name of letters, digits and -');
/** The single-workspace variables that share the WORKSPACE_ prefix. */
const SINGLE = new Set(['WORKSPACE_NAME', 'WORKSPACE_RESOURCE_ID']);

/** WORKSPACE_<KEY>_…: the name upper-cased, '-' as '_'. */
export function workspaceVariablePrefix(name: string): string {
  return `${PREFIX}${name.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * `WORKSPACES=contoso,fabrikam` with `WORKSPACE_CONTOSO_ID`, `…_ENDPOINT`,
 * `…_RESOURCE_ID`, `…_SLACK_CHANNELS`, `…_TEAMS_CHANNELS` per name. Unset: the
 * one workspace of the single-workspace variables, with the platforms' own channels.
 */
export function readWorkspaces(
  r: EnvReader,
  /** undefined when the single-workspace variables are invalid (the problem is recorded). */
  single: WorkspaceConfig | undefined,
  chat: { slackEnabled: boolean; teamsEnabled: boolean },
): WorkspaceEntry[] {
  const names = r.get(LIST_VARIABLE, list(workspaceName, 'workspace names (letters, digits, -)'));
  if (names === undefined || names.length === 0) {
    for (const variable of r.namesStartingWith(PREFIX).filter((v) => !SINGLE.has(v))) {
      r.fail(variable, `${variable} is set but ${LIST_VARIABLE} is not: list the workspace names, e.g. ${LIST_VARIABLE}=contoso,fabrikam`);
    }
    if (single === undefined) return [];
    const common = {
      name: single.name,
      endpoint: single.endpoint,
      ...(single.resourceId !== undefined ? { resourceId: single.resourceId } : {}),
    };
    return [single.mode === 'local' ? { mode: 'local', ...common } : { mode: 'log-analytics', workspaceId: single.workspaceId, ...common }];
  }

  for (const variable of ['LOG_ANALYTICS_WORKSPACE_ID', 'WORKSPACE_NAME', 'WORKSPACE_RESOURCE_ID']) {
    if (r.isSet(variable)) {
      r.fail(
        variable,
        `${variable} is set together with ${LIST_VARIABLE}: with several workspaces, give each its own WORKSPACE_<NAME>_… variables instead`,
      );
    }
  }
  const prefixes = new Map<string, string>();
  for (const name of names) {
    const prefix = workspaceVariablePrefix(name);
    const other = prefixes.get(prefix);
    if (other !== undefined) {
      r.fail(LIST_VARIABLE, `${LIST_VARIABLE} names "${other}" and "${name}", which share the variables ${prefix}…: choose distinct names`);
    }
    prefixes.set(prefix, name);
  }
  const known = new Set([...prefixes.keys()].flatMap((p) => FIELDS.map((f) => `${p}${f}`)));
  for (const variable of r.namesStartingWith(PREFIX)) {
    if (!SINGLE.has(variable) && !known.has(variable)) {
      r.fail(
        variable,
        `${variable} is not a setting of any workspace in ${LIST_VARIABLE}=${JSON.stringify(r.raw(LIST_VARIABLE))}: expected WORKSPACE_<NAME>_{${FIELDS.join(',')}}`,
      );
    }
  }
  const fallbackEndpoint = single?.endpoint ?? DEFAULT_LOG_ANALYTICS_ENDPOINT;
  return names.flatMap((name): WorkspaceEntry[] => {
    const prefix = workspaceVariablePrefix(name);
    if (!r.isSet(`${prefix}ID`))
      r.fail(`${prefix}ID`, `${prefix}ID is not set: workspace "${name}" needs its Log Analytics workspace id (a GUID)`);
    const workspaceId = r.get(`${prefix}ID`, guid);
    const url = r.get(`${prefix}ENDPOINT`, endpoint);
    const slackChannels = r.get(`${prefix}SLACK_CHANNELS`, list(channelId, 'channel ids such as C0123ABCD'));
    const teamsChannels = r.get(`${prefix}TEAMS_CHANNELS`, list(teamsChannel, 'channel ids or names'));
    if (slackChannels !== undefined && !chat.slackEnabled) {
      r.fail(
        `${prefix}SLACK_CHANNELS`,
        `${prefix}SLACK_CHANNELS is set but SLACK_BOT_TOKEN is not: Slack is enabled only by a bot token (xoxb-…)`,
      );
    }
    if (teamsChannels !== undefined && !chat.teamsEnabled) {
      r.fail(
        `${prefix}TEAMS_CHANNELS`,
        `${prefix}TEAMS_CHANNELS is set but Teams is off: set TEAMS_APP_ID (or TEAMS_PLAYGROUND=true locally)`,
      );
    }
    const resource = r.get(`${prefix}RESOURCE_ID`, resourceId);
    const responders = r.get(`${prefix}RESPONDERS`, list(responder, 'emails, UPNs or platform user ids'));
    // Without a valid id the problem is recorded and loadConfig throws; the entry is left out.
    if (workspaceId === undefined) return [];
    return [
      {
        name,
        mode: 'log-analytics',
        workspaceId,
        endpoint: url ? url.toString().replace(/\/+$/, '') : fallbackEndpoint,
        ...(resource !== undefined ? { resourceId: resource } : {}),
        ...(slackChannels !== undefined ? { slackChannels } : {}),
        ...(teamsChannels !== undefined ? { teamsChannels } : {}),
        ...(responders !== undefined ? { responders } : {}),
      },
    ];
  });
}

/** Plain http to loopback: a local workspace server, queried without an Azure token. */
export function isLocalEndpoint(endpointUrl: string): boolean {
  try {
    return new URL(endpointUrl).protocol === 'http:';
  } catch {
    return false;
  }
}
