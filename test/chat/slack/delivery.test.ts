import { WebClient } from '@slack/web-api';
import type { Alert } from '../../../src/alerts/types';
import { DeliveryError } from '../../../src/delivery/chat-platform';
import { SlackPlatform, type SlackMessage } from '../../../src/chat/slack';
import { boltLogger } from '../../../src/chat/slack/bolt-logger';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';
import { ALERTS_CHANNEL, LogCapture, newAlert, slackHarness, type SlackHarness } from './harness';

function alertOf(n: number, version = 1): Alert {
  const created = new Date(Date.now() - 60_000);
  return { ...newAlert(n), id: `FW-${n}`, status: 'open', version, createdAt: created, updatedAt: created };
}

function simpleRender(alert: Alert): SlackMessage {
  return {
    text: `${alert.id}: ${alert.title} (v${alert.version})`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${alert.id}* v${alert.version}` } }],
  };
}

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

describe('SlackPlatform against the stand-in', () => {
  let standin: SlackStandin;
  let logs: LogCapture;
  let platform: SlackPlatform;
  let render: (alert: Alert) => SlackMessage;

  beforeEach(async () => {
    standin = await startSlackStandin();
    logs = new LogCapture();
    render = simpleRender;
    const client = new WebClient(standin.botToken, {
      slackApiUrl: standin.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: boltLogger(logs.logger),
    });
    platform = new SlackPlatform({ client, render: (a) => render(a), logger: logs.logger, queue: { ratePerSecond: 50, burst: 10 } });
  });
  afterEach(async () => {
    platform.stop();
    await standin.close();
  });

  it('findPosted finds a card by the alert id in its metadata, among other messages', async () => {
    standin.addHistoryMessage({ channel: ALERTS_CHANNEL, user: 'U0ALICE', text: 'morning all' });
    const ref = await platform.postAlert(ALERTS_CHANNEL, alertOf(7));
    standin.addHistoryMessage({ channel: ALERTS_CHANNEL, user: 'U0BOB', text: 'FW-7 looks like the patching job' });
    await platform.postAlert(ALERTS_CHANNEL, alertOf(8));

    expect(await platform.findPosted(ALERTS_CHANNEL, alertOf(7))).toEqual(ref);
    expect(await platform.findPosted(ALERTS_CHANNEL, alertOf(9))).toBeUndefined();
    const history = standin.callsTo('conversations.history');
    expect(history.every((c) => c.args.include_all_metadata === 'true')).toBe(true);
  });

  it('not_in_channel is a "wait" error, logged once however often it happens', async () => {
    const first = await rejection(platform.postAlert('C0OTHER', alertOf(1)));
    const second = await rejection(platform.postAlert('C0OTHER', alertOf(2)));
    expect([first.disposition, second.disposition]).toEqual(['wait', 'wait']);
    expect(first.message).toMatch(/not_in_channel/);
    const lines = logs.matching(/not a member of channel C0OTHER/);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(50);
    expect(standin.messagesIn('C0OTHER')).toHaveLength(0);
  });

  it.each([
    ['channel_not_found', 'wait', () => platform.postAlert('C0NOSUCH', alertOf(1))],
    ['invalid_auth', 'wait', () => ((standin.tokenState = 'invalid'), platform.postAlert(ALERTS_CHANNEL, alertOf(1)))],
    ['account_inactive', 'wait', () => ((standin.tokenState = 'inactive'), platform.postAlert(ALERTS_CHANNEL, alertOf(1)))],
    [
      'missing_scope',
      'wait',
      () => (standin.failNext('chat.postMessage', { error: 'missing_scope' }), platform.postAlert(ALERTS_CHANNEL, alertOf(1))),
    ],
    ['HTTP 503', 'retry', () => (standin.failNext('chat.postMessage', { status: 503 }), platform.postAlert(ALERTS_CHANNEL, alertOf(1)))],
    [
      'internal_error',
      'retry',
      () => (standin.failNext('chat.postMessage', { error: 'internal_error' }), platform.postAlert(ALERTS_CHANNEL, alertOf(1))),
    ],
  ] as const)('%s is a "%s" error', async (_code, disposition, act) => {
    const err = await rejection(act());
    expect(err.disposition).toBe(disposition);
    expect(standin.messagesIn(ALERTS_CHANNEL)).toHaveLength(0);
  });

  it('a card over Block Kit limits is "fatal" (invalid_blocks, msg_too_long)', async () => {
    render = (a) => ({ text: a.id, blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) });
    const tooMany = await rejection(platform.postAlert(ALERTS_CHANNEL, alertOf(1)));
    expect([tooMany.disposition, tooMany.message]).toEqual(['fatal', expect.stringMatching(/invalid_blocks/)]);
    render = (a) => ({ text: 'x'.repeat(40_001), blocks: simpleRender(a).blocks });
    const tooLong = await rejection(platform.postAlert(ALERTS_CHANNEL, alertOf(1)));
    expect([tooLong.disposition, tooLong.message]).toEqual(['fatal', expect.stringMatching(/msg_too_long/)]);
  });

  it('a 429 beyond what the queue waits out becomes "retry" with the Retry-After', async () => {
    standin.failNext('chat.postMessage', { retryAfterSec: 120 });
    const err = await rejection(platform.postAlert(ALERTS_CHANNEL, alertOf(1)));
    expect(err).toMatchObject({ disposition: 'retry', retryAfterMs: 120_000 });
    expect(platform.queue.pausedUntil(ALERTS_CHANNEL)).toBeGreaterThan(Date.now() + 100_000);
  });

  it('a post whose answer was lost is found, not posted again, on the next attempt', async () => {
    standin.failNext('chat.postMessage', { applyThenStatus: 502 });
    const err = await rejection(platform.postAlert(ALERTS_CHANNEL, alertOf(3)));
    expect(err.disposition).toBe('retry');
    expect(standin.messagesIn(ALERTS_CHANNEL)).toHaveLength(1);
    const ref = await platform.postAlert(ALERTS_CHANNEL, alertOf(3));
    expect(ref.messageId).toBe(standin.messagesIn(ALERTS_CHANNEL)[0].ts);
    expect(standin.messagesIn(ALERTS_CHANNEL)).toHaveLength(1);
  });

  it('a burst of updates to one card sends only the newest', async () => {
    const ref = await platform.postAlert(ALERTS_CHANNEL, alertOf(4));
    // Hold a post so the channel is busy while the updates queue up behind it.
    const held = standin.hold('chat.postMessage');
    const busy = platform.replyInThread(ref, 'Acknowledged by Alice Analyst');
    await held.reached;
    const updates = [2, 3, 4, 5].map((v) => platform.updateAlert(ref, alertOf(4, v)));
    // An older version arriving late does not win over the newest.
    updates.push(platform.updateAlert(ref, alertOf(4, 3)));
    held.release();
    await Promise.all([busy, ...updates]);
    const calls = standin.callsTo('chat.update');
    expect(calls).toHaveLength(1);
    expect(standin.message(ALERTS_CHANNEL, ref.messageId)?.metadata?.event_payload).toEqual({ alert_id: 'FW-4', version: 5 });
  });

  it('thread replies escape mrkdwn so a note cannot ping the channel', async () => {
    const ref = await platform.postAlert(ALERTS_CHANNEL, alertOf(5));
    await platform.replyInThread(ref, 'Escalated by Mallory — <!channel> look & see');
    const reply = standin.messages.find((m) => m.thread_ts === ref.messageId);
    expect(reply?.text).toBe('Escalated by Mallory — &lt;!channel&gt; look &amp; see');
  });
});

describe('Slack delivery through the dispatcher', () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h.close();
  });

  it('30 alerts to one rate-limited channel: all posted once, in order, every 429 waited out', async () => {
    h = await slackHarness({
      standin: { rateLimit: { limit: 8, windowMs: 1000, retryAfterSec: 1 } },
      queue: { ratePerSecond: 25, burst: 8 },
    });
    const alerts = await h.postAlerts(30);
    const posted = h.standin.messagesIn(ALERTS_CHANNEL).map((m) => m.metadata?.event_payload.alert_id);
    expect(posted).toEqual(alerts.map((a) => a.id));
    expect(new Set(posted).size).toBe(30);
    const limited = h.standin.callsTo('chat.postMessage').filter((c) => c.httpStatus === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(h.standin.rateLimitViolations).toBe(0);
    expect(h.slack.platform.queue.rateLimitedCount).toBe(limited.length);
    const states = await Promise.all(alerts.map(async (a) => (await h.store.listDeliveries(a.id))[0].state));
    expect(new Set(states)).toEqual(new Set(['posted']));
  });

  it('deliveries to a channel the bot is not in wait, then go out when it is invited', async () => {
    h = await slackHarness();
    const [alert] = await h.postAlerts(1, undefined, 'C0OTHER');
    expect((await h.store.listDeliveries(alert.id))[0]).toMatchObject({ state: 'waiting' });
    expect(h.logs.matching(/not a member of channel C0OTHER/)).toHaveLength(1);

    h.standin.channels.get('C0OTHER')!.member = true;
    const answer = await h.standin.sendEvent({
      event: { type: 'member_joined_channel', user: h.standin.botUserId, channel: 'C0OTHER', channel_type: 'C', team: h.standin.teamId },
    });
    expect(answer.status).toBe(200);
    await h.slack.settled();
    expect((await h.store.listDeliveries(alert.id))[0]).toMatchObject({ state: 'pending' });
    await h.dispatcher.drainUntilIdle();
    expect((await h.store.listDeliveries(alert.id))[0]).toMatchObject({ state: 'posted' });
    expect(h.standin.messagesIn('C0OTHER')).toHaveLength(1);
  });

  it('a crash between posting and recording is reconciled by metadata, not posted twice', async () => {
    // The dispatcher's clock runs with the system clock until the test skips it ahead.
    let skippedMs = 0;
    h = await slackHarness({ dispatcherClock: () => new Date(Date.now() + skippedMs) });
    h.standin.failNext('chat.postMessage', { applyThenStatus: 500 });
    const [alert] = await h.postAlerts(1);
    expect((await h.store.listDeliveries(alert.id))[0]).toMatchObject({ state: 'failed', attempts: 1 });
    // The retry is due a few ms later (test backoff): move past it and drain once.
    skippedMs += 60_000;
    await h.dispatcher.drainUntilIdle();
    expect(h.standin.messagesIn(ALERTS_CHANNEL)).toHaveLength(1);
    expect((await h.store.listDeliveries(alert.id))[0]).toMatchObject({
      state: 'posted',
      ref: { messageId: h.standin.messagesIn(ALERTS_CHANNEL)[0].ts },
    });
  });
});
