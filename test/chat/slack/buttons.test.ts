import { ALERTS_CHANNEL, buttonOn, slackHarness, type SlackHarness } from './harness';

describe('Slack buttons through the real Bolt app (HTTP mode)', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await slackHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts an alert card tagged with the alert id and version in metadata', async () => {
    const [alert] = await h.postAlerts(1);
    const messages = h.standin.messagesIn(ALERTS_CHANNEL);
    expect(messages).toHaveLength(1);
    expect(messages[0].metadata).toEqual({ event_type: 'firstwatch_alert', event_payload: { alert_id: alert.id, version: 1 } });
    expect(messages[0].text).toContain(alert.id);
    expect(buttonOn(messages[0].blocks, 'fw_ack').value).toBeDefined();
    const [delivery] = await h.store.listDeliveries(alert.id);
    expect(delivery).toMatchObject({
      state: 'posted',
      ref: { platform: 'slack', target: ALERTS_CHANNEL, messageId: messages[0].ts, threadId: messages[0].ts },
    });
  });

  it('acknowledges before resolving the clicker, then acts as that person', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const lookup = h.standin.hold('users.info');
    const answer = await h.standin.sendBlockAction({
      user: 'U0ALICE',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value,
    });
    // The HTTP answer came back while the identity lookup was still held: ack() ran first.
    expect(answer.status).toBe(200);
    await lookup.reached;
    expect((await h.store.getAlert(alert.id))?.status).toBe('open');
    lookup.release();

    const changed = await h.transitioned();
    expect(changed).toMatchObject({ id: alert.id, status: 'acknowledged', version: 2 });
    expect((await h.store.getAlert(alert.id))?.lastChange?.actor).toEqual({
      platform: 'slack',
      id: 'U0ALICE',
      displayName: 'Alice Analyst',
      email: 'alice@contoso.com',
    });
    expect(h.standin.ephemerals).toHaveLength(0);

    // The dispatcher (woken by onTransition) re-renders the card and posts the thread reply.
    await h.dispatcher.drainUntilIdle();
    const message = h.standin.message(card.channel, card.ts);
    expect(message?.updates).toHaveLength(1);
    expect(message?.metadata?.event_payload).toEqual({ alert_id: alert.id, version: 2 });
    expect(() => buttonOn(message?.blocks, 'fw_ack')).toThrow();
    const reply = h.standin.messages.find((m) => m.thread_ts === card.ts);
    expect(reply?.text).toMatch(/Acknowledged by Alice Analyst/);
  });

  it('refuses a person outside the allow-list privately and leaves the card as it is', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const before = JSON.stringify(h.standin.message(card.channel, card.ts));
    const answer = await h.standin.sendBlockAction({
      user: 'U0MALLORY',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value,
    });
    expect(answer.status).toBe(200);
    const refusal = await h.standin.waitFor(() => h.standin.ephemerals.find((e) => e.user === 'U0MALLORY'), 'the refusal');
    expect(refusal).toMatchObject({ channel: ALERTS_CHANNEL });
    expect(refusal.text).toMatch(/Not allowed/);
    expect(refusal.text).toMatch(/mallory@fabrikam\.com/);
    expect((await h.store.getAlert(alert.id))?.status).toBe('open');
    expect(h.transitions).toHaveLength(0);
    await h.dispatcher.drainUntilIdle();
    expect(JSON.stringify(h.standin.message(card.channel, card.ts))).toBe(before);
    expect(h.standin.callsTo('chat.update')).toHaveLength(0);
    const audit = await h.store.listAudit({ alertId: alert.id, limit: 10 });
    expect(audit[0]).toMatchObject({ outcome: 'refused', actor: { id: 'U0MALLORY', email: 'mallory@fabrikam.com' } });
  });

  it.each([
    ['a forged signature', { forgeWithSecret: 'not-the-secret' }],
    ['a timestamp older than five minutes', { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['no signature at all', { unsigned: true }],
  ])('answers %s with 401 and changes nothing', async (_what, sign) => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const callsBefore = h.standin.calls.length;
    const answer = await h.standin.sendBlockAction(
      {
        user: 'U0ALICE',
        channel: card.channel,
        messageTs: card.ts,
        actionId: 'fw_ack',
        value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value,
      },
      sign,
    );
    expect(answer.status).toBe(401);
    const slash = await h.standin.sendSlashCommand({ command: '/ack', text: alert.id, user: 'U0ALICE', channel: ALERTS_CHANNEL }, sign);
    expect(slash.status).toBe(401);
    await h.slack.settled();
    expect(h.standin.calls.length).toBe(callsBefore);
    expect((await h.store.getAlert(alert.id))?.status).toBe('open');
    expect(await h.store.listAudit({ alertId: alert.id, limit: 10 })).toHaveLength(0);
  });

  it('acknowledges a link button (Slack opens its URL) and does nothing else', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const callsBefore = h.standin.calls.length;
    const answer = await h.standin.sendBlockAction({
      user: 'U0ALICE',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_link_defender-user',
      value: 'https://security.microsoft.com/',
    });
    expect(answer.status).toBe(200);
    // A state button clicked after it is handled in turn, so by then the link click's work (none) is done.
    await h.standin.sendBlockAction({
      user: 'U0ALICE',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value,
    });
    expect(await h.transitioned()).toMatchObject({ id: alert.id, status: 'acknowledged' });
    expect(h.transitions).toHaveLength(1);
    expect(h.standin.ephemerals).toHaveLength(0);
    expect(h.standin.calls.slice(callsBefore).filter((c) => c.method !== 'users.info')).toEqual([]);
  });

  it('refuses a tampered button (value and action_id disagree) privately and changes nothing', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    await h.standin.sendBlockAction({
      user: 'U0ALICE',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: JSON.stringify({ verb: 'resolve', alertId: alert.id, version: 1, classification: 'false_positive' }),
    });
    const note = await h.standin.waitFor(() => h.standin.ephemerals.find((e) => e.user === 'U0ALICE'), 'the refusal');
    expect(note.text).toMatch(/could not be used/);
    await h.standin.sendBlockAction({ user: 'U0ALICE', channel: card.channel, messageTs: card.ts, actionId: 'fw_ack', value: '{not json' });
    await h.standin.waitFor(() => h.standin.ephemerals.length === 2, 'the second refusal');
    expect(await h.store.getAlert(alert.id)).toMatchObject({ status: 'open', version: 1 });
    expect(h.transitions).toHaveLength(0);
  });

  it('explains a no-op click privately (already acknowledged)', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const value = buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_ack').value;
    await h.service.acknowledge(
      alert.id,
      { platform: 'slack', id: 'U0BOB', displayName: 'Bob Builder', email: 'bob@contoso.com' },
      'slack:C0ALERTS',
    );
    await h.standin.sendBlockAction({ user: 'U0ALICE', channel: card.channel, messageTs: card.ts, actionId: 'fw_ack', value });
    const note = await h.standin.waitFor(() => h.standin.ephemerals.find((e) => e.user === 'U0ALICE'), 'the no-op note');
    expect(note.text).toMatch(/already acknowledged by Bob Builder/);
  });
});
