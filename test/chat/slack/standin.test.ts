import { WebClient } from '@slack/web-api';
import { createSlack } from '../../../src/chat/slack';
import { boltLogger } from '../../../src/chat/slack/bolt-logger';
import { silentLogger } from '../../../src/logging/logger';
import { SlackIdentity } from '../../../src/chat/slack/identity';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';
import { postToBot } from '../../support/slack-standin/sender';
import { LogCapture, slackHarness } from './harness';

describe('Slack stand-in', () => {
  let standin: SlackStandin;
  let client: WebClient;
  beforeEach(async () => {
    standin = await startSlackStandin();
    client = new WebClient(standin.botToken, {
      slackApiUrl: standin.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: boltLogger(silentLogger()),
    });
  });
  afterEach(() => standin.close());

  it('answers API errors with HTTP 200 and ok:false, and refuses a wrong token', async () => {
    const res = await fetch(`${standin.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C0NOSUCH&text=hi',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, error: 'channel_not_found' });
    const wrong = new WebClient('xoxb-wrong', {
      slackApiUrl: standin.url,
      retryConfig: { retries: 0 },
      logger: boltLogger(silentLogger()),
    });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('returns metadata in history only when asked, and leaves thread replies out', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'card',
      metadata: { event_type: 'firstwatch_alert', event_payload: { alert_id: 'FW-1', version: 1 } },
    });
    await client.chat.postMessage({ channel: 'C0ALERTS', text: 'reply', thread_ts: posted.ts });
    const plain = await client.conversations.history({ channel: 'C0ALERTS' });
    expect(plain.messages).toHaveLength(1);
    expect(plain.messages?.[0].metadata).toBeUndefined();
    const withMeta = await client.conversations.history({ channel: 'C0ALERTS', include_all_metadata: true });
    expect(withMeta.messages?.[0].metadata).toEqual({ event_type: 'firstwatch_alert', event_payload: { alert_id: 'FW-1', version: 1 } });
  });

  it('limits chat.postMessage per channel with 429 + Retry-After, and counts calls that ignore it', async () => {
    standin.rateLimit = { limit: 2, windowMs: 60_000, retryAfterSec: 30 };
    await client.chat.postMessage({ channel: 'C0ALERTS', text: '1' });
    await client.chat.postMessage({ channel: 'C0ALERTS', text: '2' });
    await expect(client.chat.postMessage({ channel: 'C0ALERTS', text: '3' })).rejects.toMatchObject({ retryAfter: 30 });
    await expect(client.chat.postMessage({ channel: 'C0ALERTS', text: '4' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });
    expect(standin.rateLimitViolations).toBe(1);
    expect(standin.messagesIn('C0ALERTS')).toHaveLength(2);
  });

  it('checks Block Kit limits', async () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    await expect(client.chat.postMessage({ channel: 'C0ALERTS', text: 'x', blocks: [section('y'.repeat(3001))] })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.chat.postMessage({ channel: 'C0ALERTS', text: 'x', blocks: Array.from({ length: 5 }, () => section('z'.repeat(2900))) }),
    ).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
    expect(standin.messages).toHaveLength(0);
  });

  it('users.info is looked up once per person while the cache is fresh', async () => {
    const identity = new SlackIdentity(client);
    const [a, b] = await Promise.all([identity.resolve('U0ALICE'), identity.resolve('U0ALICE')]);
    await identity.resolve('U0ALICE');
    expect(a).toEqual({ platform: 'slack', id: 'U0ALICE', displayName: 'Alice Analyst', email: 'alice@contoso.com' });
    expect(b).toEqual(a);
    expect(standin.callsTo('users.info')).toHaveLength(1);
    await expect(identity.resolve('U0NOBODY')).rejects.toThrow(/user_not_found/);
    await expect(identity.resolve('not-an-id')).rejects.toThrow(/no valid Slack user id/);
  });
});

describe('createSlack', () => {
  it('refuses settings it cannot work with, naming the setting', () => {
    const logger = new LogCapture().logger;
    const router = {
      handleText: async () => ({ kind: 'text' as const, text: '' }),
      handleAction: async () => ({ kind: 'text' as const, text: '' }),
    };
    const base = { botToken: 'xoxb-1', signingSecret: 's', channels: ['C0ALERTS'], huntVisibility: 'ephemeral' as const, logger };
    expect(() => createSlack({ ...base, botToken: 'xoxp-user' }, { router })).toThrow(/xoxb-/);
    expect(() => createSlack({ ...base, signingSecret: undefined }, { router })).toThrow(/app token .* or a signing secret/);
    expect(() => createSlack({ ...base, channels: ['#secops'] }, { router })).toThrow(/"#secops" is not a channel id/);
    expect(() => createSlack({ ...base, appToken: 'xoxb-2' }, { router })).toThrow(/xapp-/);
  });

  it('start() fails with a plain sentence when the token is refused', async () => {
    const standin = await startSlackStandin();
    standin.tokenState = 'invalid';
    const router = {
      handleText: async () => ({ kind: 'text' as const, text: '' }),
      handleAction: async () => ({ kind: 'text' as const, text: '' }),
    };
    const slack = createSlack(
      {
        botToken: standin.botToken,
        signingSecret: 's',
        channels: ['C0ALERTS'],
        apiUrl: standin.url,
        huntVisibility: 'ephemeral',
        logger: new LogCapture().logger,
      },
      { router },
    );
    await expect(slack.start()).rejects.toThrow(/bot token was refused \(invalid_auth\)/);
    await slack.stop();
    await standin.close();
  });

  it("answers Slack's url_verification challenge (signed) in HTTP mode", async () => {
    const h = await slackHarness();
    try {
      const answer = await postToBot(
        h.standin.botEndpoint as string,
        h.standin.signingSecret,
        JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }),
        'application/json',
      );
      expect(answer).toMatchObject({ status: 200, json: { challenge: 'c-123' } });
    } finally {
      await h.close();
    }
  });

  it('reports a configured channel the bot is not in once, at start', async () => {
    const h = await slackHarness({ channels: ['C0ALERTS', 'C0OTHER'] });
    try {
      expect(h.logs.matching(/not a member of channel C0OTHER/)).toHaveLength(1);
      expect(h.logs.matching(/C0ALERTS/).filter((l) => Number(l.level) >= 40)).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
