import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { newAlert } from '../chat/slack/harness';
import { SLACK_ALERTS, SLACK_CHANNELS, openProcess, type Process } from './two-platforms';

const T0 = Date.parse('2026-11-27T14:00:00Z');
const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice at the CLI', email: 'alice@contoso.com' };

/**
 * Slack counts chat.update per workspace (Tier 3, about 50 a minute), not per
 * channel and not per process: replicas take their slots from the shared store.
 */
describe('the workspace-wide chat.update budget across replicas', () => {
  let standin: SlackStandin;
  let dir: string;
  let a: Process;
  let b: Process;
  let now: number;

  beforeEach(async () => {
    now = T0;
    // The stand-in counts chat.update per workspace on the same clock, as Slack's Tier 3 does.
    standin = await startSlackStandin({
      channels: SLACK_CHANNELS,
      clock: () => now,
      tierLimits: { 'chat.update': { limit: 50, windowMs: 60_000, retryAfterSec: 60 } },
    });
    dir = mkdtempSync(path.join(tmpdir(), 'fw-budget-'));
    const file = path.join(dir, 'firstwatch.db');
    const opts = { clock: () => new Date(now), escalation: false, sharedUpdateBudget: true };
    a = await openProcess(file, standin, opts);
    b = await openProcess(file, standin, opts);
  });

  afterEach(async () => {
    await a.close();
    await b.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two replicas updating 200 cards stay within 50 chat.update a minute in total, and every card is redrawn', async () => {
    const stored = await a.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(now),
      alerts: Array.from({ length: 200 }, (_, i) => newAlert(i + 1)),
      targets: [{ platform: 'slack', target: SLACK_ALERTS }],
    });
    await a.dispatcher.drainUntilIdle();
    expect(standin.callsTo('chat.postMessage')).toHaveLength(200);
    for (const alert of stored) await a.alerts.acknowledge(alert.id, cli, 'cli');

    // Both replicas drain side by side, five seconds of the shared clock per pass.
    const updatesAt: number[] = [];
    let seen = 0;
    for (let pass = 0; pass < 400; pass++) {
      await Promise.all([a.dispatcher.drainOnce(), b.dispatcher.drainOnce()]);
      const calls = standin.callsTo('chat.update').length;
      for (let i = seen; i < calls; i++) updatesAt.push(now);
      seen = calls;
      const left = (await a.store.staleCards(1, new Date(now + 24 * 3600_000))).length;
      if (left === 0) break;
      now += 5_000;
    }

    for (const alert of stored) expect((await a.store.listDeliveries(alert.id))[0]?.renderedVersion).toBe(2);
    let busiest = 0;
    for (const t of updatesAt) busiest = Math.max(busiest, updatesAt.filter((u) => u >= t && u < t + 60_000).length);
    expect(busiest).toBeLessThanOrEqual(50);
    expect(updatesAt.length).toBeGreaterThanOrEqual(200);
    // Slack (the stand-in) never had to refuse one.
    expect(standin.rateLimitViolations).toBe(0);
    expect(standin.calls.filter((c) => c.method === 'chat.update' && c.httpStatus === 429)).toEqual([]);
  });
});
