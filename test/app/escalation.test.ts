import type { App } from '../../src/app/build';
import type { SlackStandin } from '../support/slack-standin';
import { startSlackApp, type SlackApp } from '../support/slack-app';

const MENTION = '<!subteam^S0ONCALL>';

/** The whole process as `firstwatch start` composes it, with escalation and storm settings, against the Slack stand-in. */
describe('FirstWatch with an on-call channel and a low storm threshold', () => {
  let standin: SlackStandin;
  let app: App;
  let whole: SlackApp;

  beforeAll(async () => {
    whole = await startSlackApp({
      standin: {
        channels: [
          { id: 'C0ALERTS', name: 'secops-alerts', member: true },
          { id: 'C0ONCALL', name: 'secops-oncall', member: true },
        ],
      },
      env: { ESCALATION_SLACK_CHANNEL: 'C0ONCALL', ESCALATION_SLACK_MENTION: MENTION, STORM_THRESHOLD: '1' },
    });
    ({ standin, app } = whole);
  }, 120_000);

  afterAll(async () => {
    await whole?.close();
  });

  it('a poll with several hits posts a digest instead of the cards; a summarised alert can still be escalated, and the on-call copy mentions the group', async () => {
    const alerts = await app.store.listAlerts({ status: 'all', limit: 100 });
    expect(alerts.length).toBeGreaterThan(1);
    const digest = await standin.waitFor(
      () => standin.messagesIn('C0ALERTS').find((m) => (m.text ?? '').includes('Alert storm')),
      'a storm digest',
    );
    const summarised = alerts.filter((a) => JSON.stringify(digest.blocks).includes(a.id));
    expect(summarised.length).toBeGreaterThan(0);
    const target = summarised[0];
    expect(standin.messagesIn('C0ALERTS').some((m) => m.metadata?.event_payload.alert_id === target.id)).toBe(false);

    await standin.sendSlashCommand({
      command: '/escalate',
      text: `${target.id} many at once, please look`,
      user: 'U0ALICE',
      channel: 'C0ALERTS',
    });
    const copy = await standin.waitFor(
      () => standin.messagesIn('C0ONCALL').find((m) => m.metadata?.event_payload.alert_id === target.id),
      'the escalation copy in the on-call channel',
    );
    expect(copy.text?.startsWith(MENTION)).toBe(true);
    expect(JSON.stringify(copy.blocks?.[0])).toContain('Escalated by Alice Analyst to on-call');
    expect(JSON.stringify(copy.blocks?.[0])).toContain('many at once, please look');
    expect((await app.store.getAlert(target.id))?.status).toBe('escalated');
  });
});
