import { ALERTS_CHANNEL, buttonOn, slackHarness, type SlackHarness } from './harness';

describe('Slack resolve and escalate modals', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await slackHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function clickAndOpen(
    verb: 'resolve' | 'escalate',
    user = 'U0ALICE',
  ): Promise<{ alertId: string; privateMetadata: string; ts: string }> {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    const answer = await h.standin.sendBlockAction({
      user,
      channel: card.channel,
      messageTs: card.ts,
      actionId: `fw_${verb}`,
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, `fw_${verb}`).value,
    });
    expect(answer.status).toBe(200);
    const opened = await h.standin.waitFor(() => h.standin.views[0], 'the modal');
    expect(opened.view.callback_id).toBe(`fw_${verb}_modal`);
    return { alertId: alert.id, privateMetadata: String(opened.view.private_metadata), ts: card.ts };
  }

  it('Resolve opens a modal; submitting it resolves the alert as the submitter, with classification and note', async () => {
    const { alertId, privateMetadata } = await clickAndOpen('resolve');
    expect(JSON.parse(privateMetadata)).toMatchObject({ verb: 'resolve', alertId, version: 1, channel: ALERTS_CHANNEL });
    expect((await h.store.getAlert(alertId))?.status).toBe('open');

    const answer = await h.standin.sendViewSubmission({
      user: 'U0BOB',
      callbackId: 'fw_resolve_modal',
      privateMetadata,
      values: {
        fw_classification: {
          fw_classification: {
            type: 'static_select',
            selected_option: { value: 'benign_positive', text: { type: 'plain_text', text: 'Benign positive' } },
          },
        },
        fw_note: { fw_note: { type: 'plain_text_input', value: 'approved change CHG-1234' } },
      },
    });
    expect(answer.status).toBe(200);
    const changed = await h.transitioned();
    expect(changed).toMatchObject({
      id: alertId,
      status: 'resolved',
      classification: 'benign_positive',
      lastChange: { action: 'resolve', note: 'approved change CHG-1234', actor: { id: 'U0BOB', email: 'bob@contoso.com' } },
    });
  });

  it('a resolve without a classification is answered inside the modal and changes nothing', async () => {
    const { alertId, privateMetadata } = await clickAndOpen('resolve');
    const answer = await h.standin.sendViewSubmission({
      user: 'U0ALICE',
      callbackId: 'fw_resolve_modal',
      privateMetadata,
      values: {
        fw_classification: { fw_classification: { type: 'static_select', selected_option: null } },
        fw_note: { fw_note: { type: 'plain_text_input', value: null } },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_action: 'errors', errors: { fw_classification: expect.stringMatching(/Choose/) } });
    await h.slack.settled();
    expect((await h.store.getAlert(alertId))?.status).toBe('open');
    expect(h.transitions).toHaveLength(0);
  });

  it('Escalate carries the note as the submitter', async () => {
    const { privateMetadata } = await clickAndOpen('escalate');
    await h.standin.sendViewSubmission({
      user: 'U0ALICE',
      callbackId: 'fw_escalate_modal',
      privateMetadata,
      values: { fw_note: { fw_note: { type: 'plain_text_input', value: 'paging the platform team' } } },
    });
    expect(await h.transitioned()).toMatchObject({
      status: 'escalated',
      lastChange: { note: 'paging the platform team', actor: { id: 'U0ALICE' } },
    });
  });

  it('a person outside the allow-list gets no modal, only a private refusal', async () => {
    const [alert] = await h.postAlerts(1);
    const card = h.cardOf(alert.id);
    await h.standin.sendBlockAction({
      user: 'U0MALLORY',
      channel: card.channel,
      messageTs: card.ts,
      actionId: 'fw_resolve',
      value: buttonOn(h.standin.message(card.channel, card.ts)?.blocks, 'fw_resolve').value,
    });
    const refusal = await h.standin.waitFor(() => h.standin.ephemerals.find((e) => e.user === 'U0MALLORY'), 'the refusal');
    expect(refusal.text).toMatch(/Not allowed/);
    expect(h.standin.views).toHaveLength(0);
    expect((await h.store.getAlert(alert.id))?.status).toBe('open');
  });
});
