import { observePoll, observeQueryLimiter } from '../../src/observability/instrument';
import { Metrics } from '../../src/observability/metrics';
import type { PollOutcome } from '../../src/poller/poller';

const outcome = (workspace: string, ok: boolean, end: Date): PollOutcome => ({
  detectionId: 'd',
  workspace,
  ok,
  window: { start: new Date(end.getTime() - 3_600_000), end },
  hits: 0,
  created: [],
  durationMs: 5,
});

describe('per-workspace lag and throttling in /metrics', () => {
  it("shows each workspace's lag as the age of its least advanced detection's last successful poll", async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const metrics = new Metrics({ defaultMetrics: false, clock: () => now });
    observePoll(metrics, 'rule-a', [outcome('alpha', true, now), outcome('beta', true, new Date(now.getTime() - 60_000))], now);
    observePoll(metrics, 'rule-b', [outcome('alpha', true, new Date(now.getTime() - 30_000))], now);
    now = new Date(now.getTime() + 10_000);
    // A failed poll does not move the lag.
    observePoll(metrics, 'rule-a', [outcome('beta', false, now)], now);
    const body = (await metrics.render()).body;
    expect(body).toContain('firstwatch_workspace_poll_lag_seconds{workspace="alpha"} 40');
    expect(body).toContain('firstwatch_workspace_poll_lag_seconds{workspace="beta"} 70');
  });

  it("counts 429s and queue waits by workspace from the query limiter's events", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const onEvent = observeQueryLimiter(metrics);
    onEvent({ kind: 'throttled', workspace: 'hot', pauseMs: 30_000 });
    onEvent({ kind: 'throttled', workspace: 'hot', pauseMs: 30_000 });
    onEvent({ kind: 'started', workspace: 'cold', queuedMs: 2_500 });
    const body = (await metrics.render()).body;
    expect(body).toContain('firstwatch_workspace_throttled_total{workspace="hot"} 2');
    expect(body).toContain('firstwatch_workspace_query_queue_seconds_sum{workspace="cold"} 2.5');
  });
});
