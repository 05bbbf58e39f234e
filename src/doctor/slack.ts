import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config';
import { messageOf } from './format';
import type { CheckResult } from './types';

/** The Slack error code of a failed Web API call ("invalid_auth", "channel_not_found", …). */
function slackError(err: unknown): string {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  if (typeof data?.error === 'string') return data.error;
  return messageOf(err);
}

type SlackOn = Exclude<Config['slack'], { mode: 'off' }>;

function client(token: string, slack: SlackOn, timeoutMs: number): WebClient {
  return new WebClient(token, {
    ...(slack.apiUrl !== undefined ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logLevel: LogLevel.ERROR,
  });
}

/** Every channel some workspace's alerts go to, with the workspaces that use it. */
function alertChannels(config: Config, slack: SlackOn): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of config.workspaces) {
    for (const channel of w.slackChannels ?? slack.channels) out.set(channel, [...(out.get(channel) ?? []), w.name]);
  }
  return out;
}

/** auth.test for the bot token, the app token in Socket Mode, and the bot's membership of each alert channel. */
export async function checkSlack(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const slack = config.slack;
  if (slack.mode === 'off') return [{ check: 'slack', verdict: 'skip', detail: 'Slack is off (SLACK_BOT_TOKEN is not set)' }];
  const results: CheckResult[] = [];
  const web = client(slack.botToken, slack, timeoutMs);
  let botUserId: string | undefined;
  try {
    const auth = await web.auth.test();
    botUserId = auth.user_id;
    results.push({
      check: 'slack bot token',
      verdict: 'ok',
      detail: `auth.test: bot @${auth.user ?? '?'} (${auth.user_id ?? '?'}) in ${auth.team ?? '?'} (${auth.team_id ?? '?'})`,
    });
  } catch (err) {
    const code = slackError(err);
    const tokenProblem = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(code);
    results.push({
      check: 'slack bot token',
      verdict: 'FAIL',
      detail: `auth.test failed: ${code}`,
      fix: tokenProblem
        ? 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) under OAuth & Permissions of the installed app (reinstall it if it was revoked)'
        : `check that this host reaches ${slack.apiUrl ?? 'https://slack.com/api/'}`,
    });
    return results;
  }

  if (slack.mode === 'socket') {
    try {
      await client(slack.appToken, slack, timeoutMs).apps.connections.open();
      results.push({ check: 'slack app token', verdict: 'ok', detail: 'Socket Mode: apps.connections.open accepted SLACK_APP_TOKEN' });
    } catch (err) {
      results.push({
        check: 'slack app token',
        verdict: 'FAIL',
        detail: `apps.connections.open failed: ${slackError(err)}`,
        fix: 'set SLACK_APP_TOKEN to an app-level token (xapp-…) with the connections:write scope (Basic Information → App-Level Tokens), and turn Socket Mode on',
      });
    }
  } else {
    results.push({
      check: 'slack events',
      verdict: 'ok',
      detail: `HTTP mode: Slack must reach ${config.server.publicUrl ?? 'PUBLIC_URL'}/slack/events (the app's Request URL for events, interactivity and slash commands)`,
    });
  }

  const channels = alertChannels(config, slack);
  if (channels.size === 0) {
    results.push({
      check: 'slack channels',
      verdict: 'warn',
      detail: 'no channel receives alerts',
      fix: 'set SLACK_CHANNELS (or WORKSPACE_<NAME>_SLACK_CHANNELS) to channel ids such as C0123ABCD',
    });
  }
  for (const [channel, workspaces] of channels) {
    const check = `slack channel ${channel}`;
    const forWhom = config.workspaces.length > 1 ? ` (alerts of ${workspaces.join(', ')})` : '';
    try {
      const info = await web.conversations.info({ channel });
      const name = info.channel?.name !== undefined ? `#${info.channel.name}` : channel;
      if (info.channel?.is_member === true) {
        results.push({ check, verdict: 'ok', detail: `${name}: the bot is a member${forWhom}` });
      } else {
        results.push({
          check,
          verdict: 'FAIL',
          detail: `${name}: the bot is not a member, so alerts cannot be posted there${forWhom}`,
          fix: `in ${name} type /invite @${botUserId !== undefined ? `<@${botUserId}>` : 'FirstWatch'} (or use the channel's Integrations → Add apps)`,
        });
      }
    } catch (err) {
      const code = slackError(err);
      results.push({
        check,
        verdict: 'FAIL',
        detail: `conversations.info failed: ${code}${forWhom}`,
        fix:
          code === 'channel_not_found'
            ? 'use the channel id (channel details → bottom of the About tab); a private channel is visible only after the bot is invited'
            : code === 'missing_scope'
              ? 'add the channels:read and groups:read scopes (manifests/slack/manifest.yml has them) and reinstall the app'
              : "check the channel id and the app's scopes",
      });
    }
  }
  return results;
}
