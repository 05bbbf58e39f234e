import { WebClient } from '@slack/web-api';
import { alertMessage } from '../../../src/cards/blockkit/alert-message';
import { toAlertView } from '../../../src/cards/alert-view';
import { CHAT_UPDATE_BUDGET, SlackPlatform } from '../../../src/chat/slack/platform';
import { silentLogger } from '../../../src/logging/logger';
import { openSqliteStore, type SqliteStore } from '../../../src/store';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';
import { ManualTime } from '../../support/manual-time';

const CHANNEL = 'C0ALERTS';

/** A hunt's answer replacing its note is a chat.update too: it takes its slot of the workspace-wide budget. */
describe('hunt-result redraws under the workspace chat.update budget', () => {
  let standin: SlackStandin;
  let store: SqliteStore;
  let time: ManualTime;
  let platform: SlackPlatform;

  beforeEach(async () => {
    time = new ManualTime(Date.parse('2026-11-27T14:00:00Z'));
    standin = await startSlackStandin({
      channels: [{ id: CHANNEL, name: 'secops-alerts', member: true }],
      clock: () => time.t,
      tierLimits: { 'chat.update': { limit: 50, windowMs: 60_000, retryAfterSec: 60 } },
    });
    store = openSqliteStore(':memory:');
    platform = new SlackPlatform({
      client: new WebClient(standin.botToken, { slackApiUrl: standin.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
      render: (alert) => alertMessage(toAlertView(alert, { now: time.now() })),
      logger: silentLogger(),
      queue: { ratePerSecond: 200, burst: 50, time },
      updateBudget: () => store.takeBudget(CHAT_UPDATE_BUDGET.key, CHAT_UPDATE_BUDGET.limit, CHAT_UPDATE_BUDGET.windowMs, time.now()),
    });
  });
  afterEach(async () => {
    platform.stop();
    await store.close();
    await standin.close();
  });

  it('waits for a slot when card redraws have spent the minute, then replaces the note without a 429', async () => {
    const ts = await platform.postMessage(CHANNEL, { text: 'Hunting alice@contoso.com…' });
    const direct = new WebClient(standin.botToken, { slackApiUrl: standin.url, retryConfig: { retries: 0 } });
    // Card redraws (other replicas, say) have taken the whole minute's budget.
    for (let i = 0; i < CHAT_UPDATE_BUDGET.limit; i++) {
      expect(await store.takeBudget(CHAT_UPDATE_BUDGET.key, CHAT_UPDATE_BUDGET.limit, CHAT_UPDATE_BUDGET.windowMs, time.now())).toEqual({
        granted: true,
      });
      await direct.chat.update({ channel: CHANNEL, ts, text: `redraw ${i}` });
    }
    const before = time.t;

    await platform.updateMessage(CHANNEL, ts, { text: 'Hunt for alice@contoso.com: 3 events' });

    // It waited for the oldest slot to free (a minute after it was taken), not one moment less.
    expect(time.t - before).toBeGreaterThanOrEqual(CHAT_UPDATE_BUDGET.windowMs);
    expect(standin.messagesIn(CHANNEL).find((m) => m.ts === ts)?.text).toBe('Hunt for alice@contoso.com: 3 events');
    expect(standin.calls.filter((c) => c.method === 'chat.update' && c.httpStatus === 429)).toEqual([]);
    expect(standin.rateLimitViolations).toBe(0);
    expect(standin.callsTo('chat.update')).toHaveLength(CHAT_UPDATE_BUDGET.limit + 1);
    // And it counted: this minute's budget has one slot fewer for card redraws.
    const grants = [];
    for (let i = 0; i < CHAT_UPDATE_BUDGET.limit; i++)
      grants.push(await store.takeBudget(CHAT_UPDATE_BUDGET.key, CHAT_UPDATE_BUDGET.limit, CHAT_UPDATE_BUDGET.windowMs, time.now()));
    expect(grants.filter((g) => g.granted)).toHaveLength(CHAT_UPDATE_BUDGET.limit - 1);
  });
});
