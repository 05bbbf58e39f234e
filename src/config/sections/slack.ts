import { z } from 'zod';
import type { EnvReader } from '../reader';
import { list, oneOf, url } from '../fields';

/** What every enabled Slack has, whichever way Slack reaches it. */
interface SlackCommon {
  /** xoxb-…; print only through redactConfig. */
  botToken: string;
  channels: string[];
  /** Web API base (ends with /), for a local stand-in; undefined = Slack's own. */
  apiUrl?: string;
  huntVisibility: 'in_channel' | 'ephemeral';
}

/** Socket Mode: the app token opens the connection, so no public URL is needed. */
interface SlackSocketConfig extends SlackCommon {
  mode: 'socket';
  /** xapp-…; print only through redactConfig. */
  appToken: string;
}

/** HTTP mode at /slack/events: requests are verified with the signing secret. */
interface SlackHttpConfig extends SlackCommon {
  mode: 'http';
  /** print only through redactConfig. */
  signingSecret: string;
}

/** Slack is enabled by a bot token; an app token selects Socket Mode, else a signing secret HTTP mode. */
export type SlackConfig = { mode: 'off' } | SlackSocketConfig | SlackHttpConfig;

const botToken = z.string().regex(/^xoxb-[\w-]+$/, 'a bot token starting with xoxb-');
const appToken = z.string().regex(/^xapp-[\w-]+$/, 'an app-level token starting with xapp-');
const signingSecret = z.string().regex(/^[0-9a-zA-Z]{16,}$/, "the app's signing secret (letters and digits, at least 16)");
export const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a channel id such as C0123ABCD');

/** undefined when Slack is asked for but a value it needs is missing or invalid (the problem is recorded). */
export function readSlack(r: EnvReader): SlackConfig | undefined {
  const bot = r.get('SLACK_BOT_TOKEN', botToken, 'secret');
  const app = r.get('SLACK_APP_TOKEN', appToken, 'secret');
  const secret = r.get('SLACK_SIGNING_SECRET', signingSecret, 'secret');
  const channels = r.get('SLACK_CHANNELS', list(channelId, 'channel ids such as C0123ABCD')) ?? [];
  const api = r.get('SLACK_API_URL', url({ what: 'an https URL such as https://slack.com/api/ (http only to localhost)' }));
  const huntVisibility = r.get('SLACK_HUNT_VISIBILITY', oneOf(['in_channel', 'ephemeral'] as const)) ?? 'in_channel';

  const enabled = r.isSet('SLACK_BOT_TOKEN');
  if (enabled && !r.isSet('SLACK_APP_TOKEN') && !r.isSet('SLACK_SIGNING_SECRET')) {
    r.fail(
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN=*** needs SLACK_APP_TOKEN (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); neither is set',
    );
  }
  if (!enabled) {
    for (const name of ['SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_CHANNELS']) {
      if (r.isSet(name)) {
        const shown = name === 'SLACK_CHANNELS' ? JSON.stringify(r.raw(name)) : '***';
        r.fail(name, `${name}=${shown} is set but SLACK_BOT_TOKEN is not: Slack is enabled only by a bot token (xoxb-…)`);
      }
    }
  }
  let apiUrl = api?.toString();
  // WebClient joins method names onto slackApiUrl directly, so it must end with "/".
  if (apiUrl !== undefined && !apiUrl.endsWith('/')) apiUrl += '/';
  if (!enabled) return { mode: 'off' };
  if (bot === undefined) return undefined;
  const common = { botToken: bot, channels, ...(apiUrl !== undefined ? { apiUrl } : {}), huntVisibility };
  // An app token wins: with both set, Slack is reached over Socket Mode.
  if (r.isSet('SLACK_APP_TOKEN')) return app === undefined ? undefined : { mode: 'socket', ...common, appToken: app };
  return secret === undefined ? undefined : { mode: 'http', ...common, signingSecret: secret };
}
