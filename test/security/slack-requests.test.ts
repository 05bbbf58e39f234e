import { postToBot } from '../support/slack-standin/sender';
import { ALERTS_CHANNEL, buttonValue, slackHarness, type SlackHarness } from '../chat/slack/harness';

const form = (payload: string): string => `payload=${encodeURIComponent(payload)}`;

describe('Slack requests: a five-minute window either way, and 4xx for malformed signed payloads', () => {
  let h: SlackHarness;
  let url: string;
  beforeAll(async () => {
    h = await slackHarness();
    url = `${h.server.url}/slack/events`;
    await h.postAlerts(1);
  });
  afterAll(() => h.close());

  const click = (): string =>
    form(
      JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0ALICE' },
        channel: { id: ALERTS_CHANNEL },
        container: { type: 'message', channel_id: ALERTS_CHANNEL, message_ts: h.cardOf('FW-1').ts },
        actions: [{ action_id: 'fw_ack', value: buttonValue('ack', 'FW-1', 1) }],
      }),
    );

  it.each([
    ['six minutes ahead', 6 * 60],
    ['an hour ahead', 3600],
    ['a year ahead', 365 * 86_400],
    ['six minutes old', -6 * 60],
  ])('refuses a correctly signed click dated %s with 401, and changes nothing', async (_label, offsetSec) => {
    const timestampSec = Math.floor(Date.now() / 1000) + offsetSec;
    const answer = await postToBot(url, h.standin.signingSecret, click(), 'application/x-www-form-urlencoded', { timestampSec });
    expect(answer.status).toBe(401);
    expect((await h.store.getAlert('FW-1'))?.status).toBe('open');
    expect(await h.store.listAudit({ limit: 10 })).toEqual([]);
  });

  it.each([
    ['payload=null', 'payload=null'],
    ['a click without a user', form(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'fw_ack', value: '{}' }] }))],
    ['a view submission without a view', form(JSON.stringify({ type: 'view_submission', user: { id: 'U0ALICE' } }))],
    ['a JSON array', form('[1,2,3]')],
  ])('answers %s, correctly signed, with a 4xx and a fixed body, and changes nothing', async (_label, body) => {
    const answer = await postToBot(url, h.standin.signingSecret, body, 'application/x-www-form-urlencoded');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).not.toMatch(/TypeError|at .*\.js|Cannot read/);
    expect((await h.store.getAlert('FW-1'))?.status).toBe('open');
    expect(h.transitions).toEqual([]);
  });

  it('still accepts a click dated within the window (a few seconds ahead, as clocks drift)', async () => {
    const answer = await postToBot(url, h.standin.signingSecret, click(), 'application/x-www-form-urlencoded', {
      timestampSec: Math.floor(Date.now() / 1000) + 20,
    });
    expect(answer.status).toBe(200);
    expect((await h.transitioned(1)).status).toBe('acknowledged');
  });
});
