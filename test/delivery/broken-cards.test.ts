import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandRouter } from '../../src/chat/router/command-router';
import { commandReplyText } from '../../src/cards/text/reply-text';
import { Dispatcher } from '../../src/delivery/dispatcher';
import { silentLogger } from '../../src/logging/logger';
import { observeDeliveries } from '../../src/observability/instrument';
import { Metrics } from '../../src/observability/metrics';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { newAlert } from '../chat/slack/harness';
import { SLACK_ALERTS, SLACK_CHANNELS, openProcess, type Process } from './two-platforms';

const T0 = Date.parse('2026-11-27T14:00:00Z');
const MINUTE = 60_000;
const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice at the CLI', email: 'alice@contoso.com' };

/**
 * Card redraws honour what Slack said: a deleted message is not redrawn again,
 * and cards that cannot be redrawn never hold up the ones that can.
 */
describe('card redraws that can never succeed', () => {
  let standin: SlackStandin;
  let dir: string;
  let p: Process;
  let now: number;
  let metrics: Metrics;
  let dispatcher: Dispatcher;

  beforeEach(async () => {
    now = T0;
    // Slack's tiers count on the test's clock, as the process's budget does.
    standin = await startSlackStandin({ channels: SLACK_CHANNELS, clock: () => now });
    dir = mkdtempSync(path.join(tmpdir(), 'fw-broken-'));
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { clock: () => new Date(now), escalation: false });
    metrics = new Metrics({ defaultMetrics: false });
    dispatcher = new Dispatcher({
      store: p.store,
      platforms: { slack: p.slack.platform },
      logger: silentLogger(),
      clock: () => new Date(now),
      onDelivery: observeDeliveries(metrics),
    });
  });

  afterEach(async () => {
    await p.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `n` alerts posted to the alerts channel, oldest first. */
  async function postCards(n: number): Promise<string[]> {
    const stored = await p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(now),
      alerts: Array.from({ length: n }, (_, i) => newAlert(i + 1)),
      targets: [{ platform: 'slack', target: SLACK_ALERTS }],
    });
    await dispatcher.drainUntilIdle();
    return stored.map((a) => a.id);
  }

  /** Someone deletes these alerts' messages in Slack. */
  async function deleteMessages(alertIds: string[]): Promise<void> {
    for (const id of alertIds) {
      const ts = (await p.store.listDeliveries(id))[0]?.ref?.messageId;
      const at = standin.messages.findIndex((m) => m.channel === SLACK_ALERTS && m.ts === ts);
      if (at < 0) throw new Error(`no message for ${id}`);
      standin.messages.splice(at, 1);
    }
  }

  it('60 cards whose messages were deleted are tried once each, marked given up, and a newer card is still redrawn', async () => {
    const ids = await postCards(61);
    const broken = ids.slice(0, 60);
    const newest = ids[60] as string;
    await deleteMessages(broken);
    for (const id of ids) expect((await p.alerts.acknowledge(id, cli, 'cli')).outcome).toBe('allowed');

    // Passes ten minutes apart: long enough for any backoff to have run out.
    for (let pass = 0; pass < 5; pass++) {
      await dispatcher.drainOnce();
      now += 10 * MINUTE;
    }

    const newestTs = (await p.store.listDeliveries(newest))[0]?.ref?.messageId;
    const updates = standin.callsTo('chat.update');
    expect(updates.filter((c) => c.args.ts === newestTs)).toHaveLength(1);
    expect((await p.store.listDeliveries(newest))[0]).toMatchObject({ renderedVersion: 2 });
    // Each deleted card was tried once: message_not_found is Slack's final word.
    expect(updates).toHaveLength(61);
    for (const id of broken) {
      expect((await p.store.listDeliveries(id))[0]?.redraw).toEqual({
        state: 'failed',
        reason: expect.stringContaining('message_not_found') as unknown,
      });
    }
    const body = (await metrics.render()).body;
    expect(body).toContain('firstwatch_card_updates_total{platform="slack",outcome="given-up"} 60');
    expect(body).toContain('firstwatch_card_updates_total{platform="slack",outcome="ok"} 1');
  });

  it('alert <id> says which copy is no longer redrawn and what Slack answered', async () => {
    const [id] = await postCards(1);
    await deleteMessages([id as string]);
    await p.alerts.acknowledge(id as string, cli, 'cli');
    await dispatcher.drainOnce();
    const router = new CommandRouter({
      alerts: p.alerts,
      store: p.store,
      deliveries: p.store,
      huntLimits: { defaultMs: MINUTE, maxMs: 2 * MINUTE },
    });
    const reply = await router.handleText(`alert ${id}`, { actor: cli, origin: 'cli' });
    const text = commandReplyText(reply, { now: new Date(now) });
    expect(text).toContain('Delivery problems');
    expect(text).toMatch(/Slack C0ALERTS: redraw given up: .*message_not_found/);
  });

  it('a redraw refused because the channel is gone waits, and is redrawn once the channel is back', async () => {
    const [id] = await postCards(1);
    standin.failNext('chat.update', { error: 'channel_not_found' });
    await p.alerts.acknowledge(id as string, cli, 'cli');
    await dispatcher.drainOnce();
    now += 10 * MINUTE;
    await dispatcher.drainOnce();
    expect(standin.callsTo('chat.update')).toHaveLength(1);
    expect((await p.store.listDeliveries(id as string))[0]?.redraw?.state).toBe('waiting');

    expect(await p.store.releaseWaiting('slack', SLACK_ALERTS)).toBe(1);
    await dispatcher.drainOnce();
    expect(standin.callsTo('chat.update')).toHaveLength(2);
    expect((await p.store.listDeliveries(id as string))[0]).toMatchObject({ renderedVersion: 2, renderAttempts: 0 });
  });

  it('a transient failure backs off by the number of failed redraws', async () => {
    const [id] = await postCards(1);
    standin.failNext('chat.update', { error: 'internal_error' }, 3);
    await p.alerts.acknowledge(id as string, cli, 'cli');
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await dispatcher.drainOnce();
      const d = (await p.store.listDeliveries(id as string))[0];
      expect(d?.renderAttempts).toBe(i + 1);
      // The next try is later each time: base 2 s doubling (with jitter), so at least 1 s, 2 s, 4 s.
      const calls = standin.callsTo('chat.update').length;
      let waited = 0;
      while (standin.callsTo('chat.update').length === calls && waited < 10 * MINUTE) {
        now += 500;
        waited += 500;
        await dispatcher.drainOnce();
      }
      delays.push(waited);
    }
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThanOrEqual(2000);
    expect(delays[2]).toBeGreaterThanOrEqual(4000);
    expect((await p.store.listDeliveries(id as string))[0]).toMatchObject({ renderedVersion: 2, renderAttempts: 0 });
  });
});
