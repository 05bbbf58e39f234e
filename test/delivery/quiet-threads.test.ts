import { AlertService } from '../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import { silentLogger } from '../../src/logging/logger';
import { Dispatcher } from '../../src/delivery/dispatcher';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { newAlert } from '../chat/slack/harness';
import { RecordingPlatform } from '../support/recording-platform';

const ALICE = { platform: 'slack' as const, id: 'U0ALICE', displayName: 'Alice Analyst', email: 'alice@contoso.com' };

describe('quiet threads', () => {
  it('a quiet target gets no thread replies but its card still shows the last action; other targets get one line per change', async () => {
    const store = new SqliteStore(':memory:');
    const alerts = new AlertService({ store, authorizer: new AllowListAuthorizer([]) });
    const slack = new RecordingPlatform('slack');
    const teams = new RecordingPlatform('teams');
    const dispatcher = new Dispatcher({
      store,
      platforms: { slack, teams },
      logger: silentLogger(),
      quietThreads: (platform, target) => platform === 'teams' || `${platform}:${target}` === 'slack:C0QUIET',
    });
    const [alert] = await store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(),
      alerts: [newAlert(1)],
      targets: [
        { platform: 'slack', target: 'C0QUIET' },
        { platform: 'slack', target: 'C0CHATTY' },
        { platform: 'teams', target: 'Alerts' },
      ],
    });
    await dispatcher.drainUntilIdle();

    await alerts.acknowledge(alert.id, ALICE, 'cli');
    await alerts.escalate(alert.id, ALICE, 'cli', 'owner away\nVM still running');
    await dispatcher.drainUntilIdle();

    expect(slack.replies.map((r) => [r.target, r.text.split('\n').length])).toEqual([
      ['C0CHATTY', 1],
      ['C0CHATTY', 1],
    ]);
    expect(slack.replies[1].text).toMatch(/^Escalated by Alice Analyst · \d\d:\d\d UTC — owner away \/ VM still running$/);
    expect(teams.replies).toEqual([]);
    // Every card, quiet or not, was brought up to the last change.
    const last = (await store.getAlert(alert.id))?.version;
    expect(last).toBe(3);
    for (const [platform, target] of [
      [slack, 'C0QUIET'],
      [slack, 'C0CHATTY'],
      [teams, 'Alerts'],
    ] as const) {
      expect(
        platform.updates
          .filter((u) => u.target === target)
          .map((u) => u.version)
          .pop(),
      ).toBe(last);
    }
    // Nothing is left queued for the quiet threads.
    expect(await dispatcher.drainUntilIdle()).toEqual({ posted: 0, reconciled: 0, updated: 0, replied: 0, failed: 0 });
    await store.close();
  });
});
