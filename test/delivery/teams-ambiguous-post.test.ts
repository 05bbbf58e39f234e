import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { observeRateLimits } from '../../src/observability/instrument';
import { Metrics } from '../../src/observability/metrics';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { newAlert } from '../chat/slack/harness';
import { ALERTS as TEAMS_ALERTS, botAddedToTeam, send } from '../chat/teams/activities';
import { ConnectorStandIn } from '../chat/teams/connector-standin';
import { SLACK_CHANNELS, TEAMS_ONCALL, openProcess, prepareConnector, until, type Process } from './two-platforms';

const NOW = new Date('2026-11-27T14:00:00Z');

/**
 * A Teams post answered 504 after Teams created the thread: the Bot Connector
 * has no way to look a message up, so the retry cannot be reconciled. It is
 * counted (README: "Teams posts after a 502/504").
 */
describe('a Teams post answered 504 that Teams had accepted', () => {
  let standin: SlackStandin;
  let connector: ConnectorStandIn;
  let dir: string;
  let p: Process;

  beforeEach(async () => {
    standin = await startSlackStandin({ channels: SLACK_CHANNELS });
    connector = await new ConnectorStandIn().start();
    prepareConnector(connector);
    dir = mkdtempSync(path.join(tmpdir(), 'fw-ambiguous-'));
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { clock: () => NOW, escalation: false });
    expect((await send(p.teamsEndpoint, botAddedToTeam(connector.url))).status).toBe(200);
    await until('the Teams channels to be known', async () => (await p.teams.conversations.lookup(TEAMS_ONCALL.name)).ok);
  });

  afterEach(async () => {
    await p.close();
    await connector.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is delivered, and the possible second thread is counted in /metrics', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    observeRateLimits(metrics, p.teams);
    connector.applyThenFail(504, (c) => c.method === 'POST' && c.path === '/v3/conversations');
    const [alert] = await p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: NOW,
      alerts: [newAlert(1)],
      targets: [{ platform: 'teams', target: TEAMS_ALERTS.name }],
    });
    await p.dispatcher.drainUntilIdle();

    expect((await p.store.listDeliveries(alert?.id as string))[0]?.state).toBe('posted');
    // Both attempts reached Teams and both created a thread: the duplicate this counts.
    expect(connector.find('POST', /^\/v3\/conversations$/)).toHaveLength(2);
    expect(p.teams.ambiguousPostCount()).toBe(1);
    expect((await metrics.render()).body).toContain('firstwatch_teams_ambiguous_posts_total 1');
  });

  it('a post refused outright (400) is not counted', async () => {
    connector.failNext(400, (c) => c.method === 'POST' && c.path === '/v3/conversations');
    await p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: NOW,
      alerts: [newAlert(2)],
      targets: [{ platform: 'teams', target: TEAMS_ALERTS.name }],
    });
    await p.dispatcher.drainUntilIdle();
    expect(p.teams.ambiguousPostCount()).toBe(0);
  });
});
