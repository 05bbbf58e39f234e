import { useFakeTimeouts } from '../../support/fake-timeouts';
import { ALERTS_CHANNEL, GatedHunt, buttonOn, huntReport, slackHarness, type SlackHarness } from './harness';

const DAY = 86_400_000;

describe('Slack slash commands, hunts and mentions', () => {
  let h: SlackHarness;
  let hunt: GatedHunt;
  afterEach(async () => {
    jest.useRealTimers();
    await h.close();
  });

  describe('with a hunt runner', () => {
    beforeEach(async () => {
      hunt = new GatedHunt();
      h = await slackHarness({ hunt });
    });

    it('/hunt is acknowledged at once, then answered with the report in place of the note', async () => {
      const answer = await h.standin.sendSlashCommand({
        command: '/hunt',
        text: 'alice@contoso.com',
        user: 'U0ALICE',
        channel: ALERTS_CHANNEL,
      });
      // The command was acknowledged while the hunt is still running (it only ends on finish()).
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('');
      await hunt.called();
      expect(hunt.requests[0]).toEqual({ upn: 'alice@contoso.com', lookbackMs: DAY });
      const note = await h.standin.waitFor(() => h.standin.responses[0], 'the hunting note');
      expect(note.body).toMatchObject({ response_type: 'ephemeral' });
      expect(String(note.body.text)).toMatch(/Hunting alice@contoso\.com/);

      hunt.finish(huntReport('alice@contoso.com'));
      const result = await h.standin.waitFor(() => h.standin.responses[1], 'the hunt result');
      expect(result.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
      expect(Array.isArray(result.body.blocks)).toBe(true);
      expect(JSON.stringify(result.body.blocks)).toContain('alice@contoso.com');
      const audit = await h.store.listAudit({ limit: 5 });
      expect(audit[0]).toMatchObject({ action: 'hunt', outcome: 'allowed', actor: { id: 'U0ALICE' } });
    });

    it('/hunt with a look-back passes it on; a bad UPN is refused and nothing runs', async () => {
      await h.standin.sendSlashCommand({ command: '/hunt', text: 'bob@contoso.com 7d', user: 'U0ALICE', channel: ALERTS_CHANNEL });
      await hunt.called();
      expect(hunt.requests[0]).toEqual({ upn: 'bob@contoso.com', lookbackMs: 7 * DAY });
      hunt.finish(huntReport('bob@contoso.com'));
      await h.standin.waitFor(() => h.standin.responses[1], 'the first hunt result');

      await h.standin.sendSlashCommand({ command: '/hunt', text: 'bob"@contoso.com', user: 'U0ALICE', channel: ALERTS_CHANNEL });
      const refusal = await h.standin.waitFor(() => h.standin.responses[2], 'the refusal');
      expect(String(refusal.body.text)).toMatch(/Cannot hunt/);
      expect(hunt.requests).toHaveLength(1);
    });

    it('the Hunt button posts a note in the card thread and replaces it with the result', async () => {
      const [alert] = await h.postAlerts(1);
      const card = h.cardOf(alert.id);
      const answer = await h.standin.sendBlockAction({
        user: 'U0BOB',
        channel: card.channel,
        messageTs: card.ts,
        actionId: 'fw_hunt',
        value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_hunt').value,
      });
      expect(answer.status).toBe(200);
      await hunt.called();
      expect(hunt.requests[0]).toEqual({ upn: 'user1@contoso.com', lookbackMs: DAY, alertId: alert.id });
      const note = await h.standin.waitFor(() => h.standin.messages.find((m) => m.thread_ts === card.ts), 'the thread note');
      expect(note.text).toMatch(/Hunting user1@contoso\.com/);
      hunt.finish(huntReport('user1@contoso.com'));
      await h.standin.waitFor(() => note.updates.length === 1, 'the note replaced');
      expect(JSON.stringify(note.blocks)).toContain('user1@contoso.com');
    });

    it('a failed hunt is reported in the thread with its reason', async () => {
      const [alert] = await h.postAlerts(1);
      const card = h.cardOf(alert.id);
      await h.standin.sendBlockAction({
        user: 'U0BOB',
        channel: card.channel,
        messageTs: card.ts,
        actionId: 'fw_hunt',
        value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_hunt').value,
      });
      await hunt.called();
      const note = await h.standin.waitFor(() => h.standin.messages.find((m) => m.thread_ts === card.ts), 'the thread note');
      hunt.fail('Log Analytics answered 403 Forbidden');
      await h.standin.waitFor(() => note.updates.length === 1, 'the note replaced');
      expect(note.text).toMatch(/Hunt for user1@contoso\.com failed: Log Analytics answered 403 Forbidden/);
    });

    it('/ack, /resolve and /escalate act as the person who typed them', async () => {
      const [a1, a2, a3] = await h.postAlerts(3);
      await h.standin.sendSlashCommand({ command: '/ack', text: a1.id, user: 'U0ALICE', channel: ALERTS_CHANNEL });
      await h.standin.sendSlashCommand({
        command: '/resolve',
        text: `${a2.id} fp maintenance window`,
        user: 'U0BOB',
        channel: ALERTS_CHANNEL,
      });
      await h.standin.sendSlashCommand({
        command: '/escalate',
        text: `${a3.id} needs the platform team`,
        user: 'U0ALICE',
        channel: ALERTS_CHANNEL,
      });
      await h.transitioned(3);
      expect(await h.store.getAlert(a1.id)).toMatchObject({ status: 'acknowledged', lastChange: { actor: { id: 'U0ALICE' } } });
      expect(await h.store.getAlert(a2.id)).toMatchObject({
        status: 'resolved',
        classification: 'false_positive',
        lastChange: { note: 'maintenance window', actor: { id: 'U0BOB' } },
      });
      expect(await h.store.getAlert(a3.id)).toMatchObject({ status: 'escalated', lastChange: { note: 'needs the platform team' } });
      await h.standin.waitFor(() => h.standin.responses.length >= 3 || undefined, 'three answers');
      expect(h.standin.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    });

    it('/alerts lists and /firstwatch passes any command through', async () => {
      await h.postAlerts(2);
      await h.standin.sendSlashCommand({ command: '/alerts', text: '', user: 'U0ALICE', channel: ALERTS_CHANNEL });
      const list = await h.standin.waitFor(() => h.standin.responses[0], 'the list');
      expect(JSON.stringify(list.body)).toContain('FW-2');
      await h.standin.sendSlashCommand({ command: '/firstwatch', text: 'help', user: 'U0ALICE', channel: ALERTS_CHANNEL });
      const help = await h.standin.waitFor(() => h.standin.responses[1], 'the help');
      expect(JSON.stringify(help.body)).toMatch(/resolve &lt;id&gt; &lt;tp\|bp\|fp&gt;/);
      await h.standin.sendSlashCommand({ command: '/firstwatch', text: 'reopen FW-1', user: 'U0ALICE', channel: ALERTS_CHANNEL });
      const noop = await h.standin.waitFor(() => h.standin.responses[2], 'the reopen answer');
      expect(JSON.stringify(noop.body)).toMatch(/already open/);
    });

    it('a mention in a channel is a text command answered in its thread', async () => {
      const [alert] = await h.postAlerts(1);
      const mention = h.standin.addHistoryMessage({
        channel: ALERTS_CHANNEL,
        user: 'U0ALICE',
        text: `<@${h.standin.botUserId}> ack ${alert.id}`,
      });
      const answer = await h.standin.sendEvent({
        event: { type: 'app_mention', user: 'U0ALICE', text: mention.text, channel: ALERTS_CHANNEL, ts: mention.ts },
      });
      expect(answer.status).toBe(200);
      await h.transitioned();
      expect((await h.store.getAlert(alert.id))?.status).toBe('acknowledged');
      const reply = await h.standin.waitFor(() => h.standin.messages.find((m) => m.thread_ts === mention.ts), 'the thread answer');
      expect(reply.text).toMatch(/acknowledged by Alice Analyst/);
    });
  });

  it('a direct message is a text command answered in the DM', async () => {
    h = await slackHarness({
      standin: {
        channels: [
          { id: 'C0ALERTS', name: 'secops-alerts', member: true },
          { id: 'D0ALICE', name: 'alice', member: true, isIm: true },
        ],
      },
    });
    await h.postAlerts(1);
    const dm = h.standin.addHistoryMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'alerts all' });
    const answer = await h.standin.sendEvent({
      event: { type: 'message', channel_type: 'im', user: 'U0ALICE', text: dm.text, channel: 'D0ALICE', ts: dm.ts },
    });
    expect(answer.status).toBe(200);
    const reply = await h.standin.waitFor(
      () => h.standin.messagesIn('D0ALICE').find((m) => m.user === h.standin.botUserId),
      'the DM answer',
    );
    expect(JSON.stringify(reply.blocks ?? reply.text)).toContain('FW-1');
    expect(reply.thread_ts).toBeUndefined();
  });

  it('without a hunt runner, /hunt says plainly that hunting is not configured', async () => {
    h = await slackHarness();
    const answer = await h.standin.sendSlashCommand({
      command: '/hunt',
      text: 'alice@contoso.com',
      user: 'U0ALICE',
      channel: ALERTS_CHANNEL,
    });
    expect(answer.status).toBe(200);
    const reply = await h.standin.waitFor(() => h.standin.responses[0], 'the answer');
    expect(String(reply.body.text)).toMatch(/Hunting is not configured/);
  });

  it('a hunt that does not answer in time is reported as timed out, with the limit', async () => {
    hunt = new GatedHunt();
    h = await slackHarness({ hunt, huntTimeoutMs: 200 });
    useFakeTimeouts();
    await h.standin.sendSlashCommand({ command: '/hunt', text: 'alice@contoso.com', user: 'U0ALICE', channel: ALERTS_CHANNEL });
    await hunt.called();
    // The hunt never answers; its time limit passes on the fake clock.
    await jest.advanceTimersByTimeAsync(200);
    const result = await h.standin.waitFor(() => h.standin.responses[1], 'the timeout report');
    expect(result.body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/Hunt for alice@contoso\.com timed out: no answer within 1s/),
    });
  });

  it('with huntVisibility in_channel, the note and result are a channel message', async () => {
    hunt = new GatedHunt();
    h = await slackHarness({ hunt, huntVisibility: 'in_channel' });
    await h.standin.sendSlashCommand({ command: '/hunt', text: 'alice@contoso.com 2d', user: 'U0ALICE', channel: ALERTS_CHANNEL });
    await hunt.called();
    const note = await h.standin.waitFor(
      () => h.standin.messagesIn(ALERTS_CHANNEL).find((m) => /Hunting/.test(m.text ?? '')),
      'the channel note',
    );
    expect(note.thread_ts).toBeUndefined();
    hunt.finish(huntReport('alice@contoso.com'));
    await h.standin.waitFor(() => note.updates.length === 1, 'the note replaced');
    expect(JSON.stringify(note.blocks)).toContain('alice@contoso.com');
    expect(h.standin.responses).toHaveLength(0);

    // Typed in a channel FirstWatch is not in: answered privately instead.
    await h.standin.sendSlashCommand({ command: '/hunt', text: 'bob@contoso.com', user: 'U0ALICE', channel: 'C0OTHER' });
    await hunt.called(2);
    const privateNote = await h.standin.waitFor(() => h.standin.responses[0], 'the private note');
    expect(String(privateNote.body.text)).toMatch(/Hunting bob@contoso\.com/);
    hunt.finish(huntReport('bob@contoso.com'));
    const result = await h.standin.waitFor(() => h.standin.responses[1], 'the private result');
    expect(result.body).toMatchObject({ replace_original: true });
  });
});
