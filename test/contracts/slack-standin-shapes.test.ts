/**
 * The Slack stand-in answers in the shapes Slack's Web API uses, as established from
 * Slack's documentation (docs.slack.dev: "Using the Slack Web API" — errors are HTTP 200
 * with `ok: false` and an `error` code; "Rate limits" — HTTP 429 with Retry-After in
 * seconds, per-method tiers) and from @slack/web-api's WebClient (it reads `retry-after`
 * with parseInt and treats any status but 200 and 429 as an HTTP error). The expected
 * shapes are written here, not recorded.
 */
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { TIER_3 } from '../support/slack-standin/tiers';

const TS = /^\d{10}\.\d{6}$/;
const ERROR_CODE = /^[a-z_]+$/;

let standin: SlackStandin;
let now: number;

async function call(
  method: string,
  args: Record<string, unknown>,
  token = standin.botToken,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${standin.url}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(args),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

beforeEach(async () => {
  now = Date.parse('2026-11-27T14:00:00Z');
  standin = await startSlackStandin({ clock: () => now });
});
afterEach(async () => {
  await standin.close();
});

describe('the Slack stand-in speaks Slack', () => {
  it('a method error is HTTP 200, JSON, { ok: false, error: <snake_case code> }', async () => {
    for (const [method, args, code] of [
      ['chat.postMessage', { channel: 'C0NOSUCH', text: 'x' }, 'channel_not_found'],
      ['chat.update', { channel: 'C0ALERTS', ts: '1700000000.000001', text: 'x' }, 'message_not_found'],
      ['users.info', { user: 'U0NOSUCH' }, 'user_not_found'],
    ] as const) {
      const r = await call(method, args);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body).toEqual({ ok: false, error: code });
      expect(code).toMatch(ERROR_CODE);
    }
  });

  it('a bad token is invalid_auth, still HTTP 200', async () => {
    const r = await call('auth.test', {}, 'xoxb-wrong');
    expect(r).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
  });

  it('chat.postMessage answers ok with channel, ts and the message', async () => {
    const r = await call('chat.postMessage', { channel: 'C0ALERTS', text: 'hello' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ok: true,
      channel: 'C0ALERTS',
      ts: expect.stringMatching(TS),
      message: { text: 'hello', ts: expect.stringMatching(TS) },
    });
  });

  it('a rate limit is HTTP 429 with Retry-After in whole seconds and { ok: false, error: "ratelimited" }', async () => {
    standin.failNext('chat.update', { retryAfterSec: 7 });
    const r = await call('chat.update', { channel: 'C0ALERTS', ts: '1700000000.000001', text: 'x' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(Number.parseInt(r.headers.get('retry-after') ?? '', 10)).toBe(7);
    expect(r.body).toEqual({ ok: false, error: 'ratelimited' });
  });

  it("Slack's tiers are on by default: the 51st chat.update within a minute is refused for the rest of the minute", async () => {
    const posted = await call('chat.postMessage', { channel: 'C0ALERTS', text: 'card' });
    const ts = (posted.body as { ts: string }).ts;
    for (let i = 0; i < TIER_3.limit; i++) {
      const r = await call('chat.update', { channel: 'C0ALERTS', ts, text: `v${i}` });
      expect(r.status).toBe(200);
      now += 100;
    }
    const refused = await call('chat.update', { channel: 'C0ALERTS', ts, text: 'one too many' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Per method: another Tier 4 method is not held back by chat.update's count.
    expect((await call('users.info', { user: 'U0ALICE' })).status).toBe(200);
    // A minute after the first, a slot is free again.
    now += 60_000;
    expect((await call('chat.update', { channel: 'C0ALERTS', ts, text: 'later' })).status).toBe(200);
  });

  it('a test may turn the tiers off only with a reason', async () => {
    await expect(startSlackStandin({ tierLimitsOff: { reason: '' } })).rejects.toThrow(/needs a reason/);
  });
});
