import { generateSampleData } from '../../src/workspace';
import type { App } from '../../src/app/build';
import type { SlackStandin } from '../support/slack-standin';
import { startSlackApp, type SlackApp } from '../support/slack-app';

/** The whole process as `firstwatch start` composes it, with Slack pointed at the local stand-in. */
describe('FirstWatch with Slack (HTTP mode) on the embedded workspace', () => {
  let standin: SlackStandin;
  let app: App;
  let whole: SlackApp;

  beforeAll(async () => {
    whole = await startSlackApp({ standin: { rateLimit: { limit: 3, windowMs: 1000, retryAfterSec: 1 } } });
    ({ standin, app } = whole);
  }, 120_000);

  afterAll(async () => {
    await whole?.close();
  });

  it('posts one message per hit of the start-up poll, each tagged with its alert id', async () => {
    const expected = generateSampleData({ now: new Date(), seed: 1, days: 1 });
    const upns = [...expected.planted.filter((p) => p.expect === 'alert').map((p) => p.upn), expected.signinBurst.upn];
    const alerts = await app.store.listAlerts({ status: 'all', limit: 100 });
    expect(alerts.map((a) => a.subject.upn).sort()).toEqual([...upns].sort());
    const messages = await standin.waitFor(
      () =>
        standin.messagesIn('C0ALERTS').filter((m) => m.metadata !== undefined).length >= alerts.length && standin.messagesIn('C0ALERTS'),
      'every alert posted',
    );
    const ids = messages.map((m) => (m.metadata?.event_payload as { alert_id?: string } | undefined)?.alert_id).sort();
    expect(ids).toEqual(alerts.map((a) => a.id).sort());
    expect(standin.rateLimitViolations).toBe(0);
  });

  it('Acknowledge acts as the clicker and every copy of the card says so; an outsider changes nothing', async () => {
    const message = standin.messagesIn('C0ALERTS').find((m) => m.metadata !== undefined);
    const alertId = (message?.metadata?.event_payload as { alert_id: string }).alert_id;
    const before = await app.store.getAlert(alertId);
    const value = JSON.stringify({ verb: 'ack', alertId, version: before?.version });

    const refused = await standin.sendBlockAction({
      user: 'U0MALLORY',
      channel: 'C0ALERTS',
      messageTs: message?.ts as string,
      actionId: 'fw_ack',
      value,
    });
    expect(refused.status).toBe(200);
    await standin.waitFor(() => standin.ephemerals.find((e) => e.user === 'U0MALLORY'), 'refusal shown to the outsider');
    expect((await app.store.getAlert(alertId))?.status).toBe('open');

    const answer = await standin.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0ALERTS',
      messageTs: message?.ts as string,
      actionId: 'fw_ack',
      value,
    });
    expect(answer.status).toBe(200);
    const updated = await standin.waitFor(() => {
      const now = standin.message('C0ALERTS', message?.ts as string);
      return now !== undefined && now.updates.length > 0 && JSON.stringify(now.blocks).includes('Acknowledged by Alice Analyst') && now;
    }, 'card updated to name the acknowledger');
    expect(updated).toBeDefined();
    const reply = await standin.waitFor(
      () => standin.messagesIn('C0ALERTS').find((m) => m.thread_ts === message?.ts && /Acknowledged by Alice Analyst/.test(m.text ?? '')),
      'thread reply recording who did what',
    );
    expect(reply).toBeDefined();
    const alert = await app.store.getAlert(alertId);
    expect(alert?.status).toBe('acknowledged');
    expect(alert?.lastChange?.actor).toEqual(expect.objectContaining({ platform: 'slack', id: 'U0ALICE', email: 'alice@contoso.com' }));
  });
});
