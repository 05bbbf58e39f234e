import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';
import { WebClient } from '@slack/web-api';
import { boltLogger } from '../../../src/chat/slack/bolt-logger';
import { silentLogger } from '../../../src/logging/logger';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';

/**
 * The stand-in keeps Slack's expiries and limits (Slack docs: a trigger_id opens
 * a modal within 3 s; a response_url takes 5 posts within 30 minutes; Web API
 * tiers count calls per workspace, Tier 3 about 50 a minute, with HTTP 429 and
 * Retry-After past them), on a clock the test moves.
 */
describe('Slack stand-in: expiries and tier limits', () => {
  let standin: SlackStandin;
  let client: WebClient;
  let now: number;
  let bot: Server;
  let payloads: Record<string, string>[];

  beforeEach(async () => {
    now = Date.parse('2026-11-27T14:00:00Z');
    payloads = [];
    // A bot endpoint that acknowledges at once and keeps what Slack sent.
    bot = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        payloads.push(parse(body) as Record<string, string>);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', () => r()));
    standin = await startSlackStandin({
      clock: () => now,
      botEndpoint: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`,
    });
    client = new WebClient(standin.botToken, {
      slackApiUrl: standin.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: boltLogger(silentLogger()),
    });
  });
  afterEach(async () => {
    await standin.close();
    await new Promise<void>((r) => bot.close(() => r()));
  });

  async function slashCommand(): Promise<Record<string, string>> {
    await standin.sendSlashCommand({ command: '/hunt', text: 'alice@contoso.com', user: 'U0ALICE', channel: 'C0ALERTS' });
    const p = payloads.at(-1);
    if (p === undefined) throw new Error('the bot got nothing');
    return p;
  }

  const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Resolve' }, blocks: [] };

  it('a trigger_id opens a modal within 3 s, not after', async () => {
    const fresh = await slashCommand();
    now += 2_900;
    await expect(client.views.open({ trigger_id: fresh.trigger_id as string, view: modal })).resolves.toMatchObject({ ok: true });
    const late = await slashCommand();
    now += 3_100;
    await expect(client.views.open({ trigger_id: late.trigger_id as string, view: modal })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
  });

  it('a response_url takes 5 posts, then answers 404 used_url; after 30 minutes 404 expired_url', async () => {
    const { response_url: url } = await slashCommand();
    const post = (text: string) =>
      fetch(url as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    for (let i = 1; i <= 5; i++) expect((await post(`answer ${i}`)).status).toBe(200);
    const sixth = await post('answer 6');
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect(standin.responses).toHaveLength(5);

    const { response_url: other } = await slashCommand();
    now += 30 * 60_000 + 1;
    const stale = await fetch(other as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"late"}',
    });
    expect(stale.status).toBe(404);
    expect(await stale.text()).toBe('expired_url');
  });

  it('with Tier 3 set for chat.update, the 51st call in a minute, from any channel, is a 429 with Retry-After', async () => {
    standin.tierLimits['chat.update'] = { limit: 50, windowMs: 60_000, retryAfterSec: 60 };
    const posted = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'card' });
    for (let i = 0; i < 50; i++) {
      await client.chat.update({ channel: 'C0ALERTS', ts: posted.ts as string, text: `v${i}` });
      now += 1_000;
    }
    await expect(client.chat.update({ channel: 'C0ALERTS', ts: posted.ts as string, text: 'v51' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 10,
    });
    now += 10_000;
    await expect(client.chat.update({ channel: 'C0ALERTS', ts: posted.ts as string, text: 'v52' })).resolves.toMatchObject({ ok: true });
  });
});
