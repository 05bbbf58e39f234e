import { availableVerbs } from '../../src/cards/actions';
import { toAlertView } from '../../src/cards/alert-view';
import { alertMessage, alertMetadata } from '../../src/cards/blockkit/alert-message';
import { SLACK_IDS } from '../../src/cards/blockkit/ids';
import { escalateModal, parseModalSubmission, parseSlackButton, resolveModal } from '../../src/cards/blockkit/modals';
import { escapeMrkdwn, safeMrkdwn, SLACK_LIMITS } from '../../src/cards/blockkit/mrkdwn';
import { commandReplyBlocks } from '../../src/cards/blockkit/reply-blocks';
import { blockKitViolations, controlSequences, mrkdwnTexts } from './blockkit-limits';
import { alertCatalog, replyCatalog } from './catalog';
import { alertIn, cardContext, hugeAlert, long, makeAlert } from './fixtures';

type Json = Record<string, unknown>;

const ALLOWED_LINK = /^<https:\/\/attack\.mitre\.org\/techniques\/T\d{4}\/(?:\d{3}\/)?\|[^<>|]*>$/;
/** FirstWatch's own date tokens (each reader's time zone), with a fallback that is text only. */
const ALLOWED_DATE = /^<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|&!@]*>$/;

function expectSafeMrkdwn(message: unknown): void {
  const fallback = (message as { text?: unknown }).text;
  // The top-level fallback text is mrkdwn too (notifications, screen readers).
  const texts = [...mrkdwnTexts(message), ...(typeof fallback === 'string' ? [fallback] : [])];
  for (const text of texts) {
    for (const seq of controlSequences(text))
      expect(ALLOWED_LINK.test(seq) || ALLOWED_DATE.test(seq) ? seq : `not allowed: ${seq}`).toBe(seq);
    // Every & is an entity Slack decodes back to the character.
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  }
}

function actionsBlock(blocks: Json[]): Json | undefined {
  return blocks.find((b) => b.block_id === SLACK_IDS.actionsBlock);
}

describe('the Block Kit limit check itself', () => {
  it('notices oversized headers, fields, button values and messages', () => {
    const bad = [
      { type: 'header', text: { type: 'plain_text', text: long(151) } },
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x' }, value: long(2001) }] },
      { type: 'section', text: { type: 'mrkdwn', text: long(3001) } },
    ];
    expect(blockKitViolations(bad, 1000)).toHaveLength(5);
  });
});

describe('Slack alert message', () => {
  it.each(alertCatalog())('%s: stays inside every Block Kit limit and escapes user text', (_name, alert) => {
    const msg = alertMessage(toAlertView(alert, cardContext()));
    expect(blockKitViolations(msg.blocks, SLACK_LIMITS.messageChars)).toEqual([]);
    expect(msg.text.length).toBeGreaterThan(0);
    expect(msg.text.length).toBeLessThanOrEqual(300);
    expectSafeMrkdwn(msg);
  });

  it.each(['open', 'acknowledged', 'escalated', 'resolved'] as const)('shows only the buttons valid when %s', (status) => {
    const ids = (a: ReturnType<typeof makeAlert>) =>
      ((actionsBlock(alertMessage(toAlertView(a, cardContext())).blocks)?.elements ?? []) as Json[]).map((e) => e.action_id);
    expect(ids(alertIn(status))).toEqual(availableVerbs(status, true).map((v) => `fw_${v}`));
    expect(ids(alertIn(status, { subject: {} }))).toEqual(availableVerbs(status, false).map((v) => `fw_${v}`));
  });

  it('round-trips every button: its value parses back into the payload it was made from', () => {
    const view = toAlertView(alertIn('open', { version: 9 }), cardContext());
    const buttons = actionsBlock(alertMessage(view).blocks)!.elements as Json[];
    expect(buttons.map((b) => parseSlackButton({ action_id: b.action_id, value: b.value }))).toEqual(
      view.actions.map((a) => ({ ok: true, payload: a.payload })),
    );
    expect(buttons.map((b) => (b.text as Json).text)).toEqual(['Acknowledge', 'Escalate…', 'Resolve…', 'Hunt user']);
    expect(parseSlackButton({ action_id: 'fw_ack', value: buttons[1].value })).toMatchObject({
      ok: false,
      reason: 'button "fw_ack" carries verb escalate',
    });
  });

  it('opens with the state (word and icon), then the glance facts, insights and buttons; details, MITRE links and link buttons below', () => {
    const msg = alertMessage(toAlertView(alertIn('escalated', {}, { note: 'call <!here> & Bob' }), cardContext()));
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '⏫ Escalated · First-time Run Command by alice@contoso.com', emoji: true },
    });
    const all = mrkdwnTexts(msg.blocks);
    expect(all).toContain('⏫ *ESCALATED* · 🔴 High · FW-12');
    // Who and when, in the reader's time zone; the note as plain text.
    expect(all).toContain(
      'Escalated by Alex Wilber; no escalation target is set up · <!date^1795788600^{date_short_pretty} {time}|27 Nov 2026 14:10 UTC> · “call &lt;!here&gt; &amp; Bob”',
    );
    expect(all).toContain('*User*\nAlice Smith (alice@contoso.com)');
    expect(all).toContain('*When*\n<!date^1795788120^{date_short_pretty} {time}|27 Nov 2026 14:02 UTC>');
    expect(all.join('\n')).not.toMatch(/min ago/);
    expect(all).toContain(":bulb: First time this user performed this action\n:bulb: Action uncommonly performed among the user's peers");
    expect(all.find((t) => t.startsWith('*MITRE'))).toContain(
      '<https://attack.mitre.org/techniques/T1021/008/|T1021.008 Remote Services: Direct Cloud VM Connections>',
    );
    const ids = msg.blocks.map((b) => (b.block_id as string | undefined) ?? (b.type as string));
    // The buttons come before everything that is not needed at a glance.
    expect(ids.indexOf(SLACK_IDS.actionsBlock)).toBeLessThan(ids.indexOf('divider'));
    expect(ids.indexOf('divider')).toBeLessThan(ids.indexOf(SLACK_IDS.linksBlock));
    const links = msg.blocks.find((b) => b.block_id === SLACK_IDS.linksBlock)!.elements as Json[];
    expect(links.map((l) => (l.text as Json).text)).toEqual(['User in Defender', 'VM in Azure portal', 'Query in Log Analytics']);
    expect(msg.text).toBe(
      '🔴 High · FW-12: First-time Run Command by alice@contoso.com — Escalated by Alex Wilber · 14:10 UTC · “call &lt;!here&gt; &amp; Bob”',
    );
    expect(alertMetadata(toAlertView(makeAlert(), cardContext()))).toEqual({
      event_type: 'firstwatch_alert',
      event_payload: { alert_id: 'FW-12', version: 1 },
    });
  });

  it.each([
    ['open', '🚨 Open'],
    ['acknowledged', '👀 Acknowledged'],
    ['escalated', '⏫ Escalated'],
    ['resolved', '✅ Resolved · false positive'],
  ] as const)('says the state %s in its first line, as a word and an icon', (status, first) => {
    const msg = alertMessage(toAlertView(alertIn(status), cardContext()));
    expect(((msg.blocks[0].text as Json).text as string).startsWith(`${first} · `)).toBe(true);
  });

  it('cuts the longest realistic values visibly (10 KB UPN and note, 200 insights, 60 custom details)', () => {
    const msg = alertMessage(toAlertView(hugeAlert(), cardContext()));
    const all = mrkdwnTexts(msg.blocks);
    const user = all.find((t) => t.startsWith('*User*'))!;
    expect(user.endsWith('…')).toBe(true);
    expect(all.find((t) => t.startsWith('*More insights*'))).toMatch(/\n…and \d+ more insights$/);
    expect(all.find((t) => t.startsWith('*About*'))).toMatch(/\n…and \d+ more details$/);
    expect(
      all.find((t) => t.startsWith('Escalated by'))!.endsWith('…”') || all.find((t) => t.startsWith('Escalated by'))!.endsWith('…'),
    ).toBe(true);
    expect(((msg.blocks[0].text as Json).text as string).endsWith('…')).toBe(true);
    expect(actionsBlock(msg.blocks)).toBeDefined();
  });
});

describe('mrkdwn escaping', () => {
  it('escapes &, < and > so data cannot mention, ping or link', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://evil|ok> a&b')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|ok&gt; a&amp;b');
  });

  it('never cuts an entity in half when truncating', () => {
    for (let n = 5; n < 20; n++) {
      const out = safeMrkdwn('ab&&&&&&&&&&&&&&&&', n);
      expect(out.length).toBeLessThanOrEqual(n);
      expect(out.replace(/&amp;/g, '').replace(/…$/, '')).not.toContain('&');
    }
  });
});

describe('Slack modals', () => {
  const payload = { verb: 'resolve', alertId: 'FW-123456789012', version: 4 } as const;

  function submission(view: Json, values: Json): Json {
    return { ...view, state: { values } };
  }

  it('resolve: classification select and optional note, the click carried in private_metadata', () => {
    const view = resolveModal(payload, { title: 'First-time <!channel> Run Command' }) as Json;
    expect(view).toMatchObject({ type: 'modal', callback_id: SLACK_IDS.resolveCallback, private_metadata: JSON.stringify(payload) });
    expect(((view.title as Json).text as string).length).toBeLessThanOrEqual(SLACK_LIMITS.modalTitle);
    expect(blockKitViolations(view.blocks as Json[])).toEqual([]);
    expectSafeMrkdwn(view.blocks);
    const select = (view.blocks as Json[])[1].element as Json;
    expect((select.options as Json[]).map((o) => o.value)).toEqual(['true_positive', 'benign_positive', 'false_positive']);

    const submitted = submission(view, {
      [SLACK_IDS.classificationBlock]: {
        [SLACK_IDS.classificationAction]: { type: 'static_select', selected_option: { value: 'false_positive' } },
      },
      [SLACK_IDS.noteBlock]: { [SLACK_IDS.noteAction]: { type: 'plain_text_input', value: 'maintenance' } },
    });
    expect(parseModalSubmission(submitted)).toEqual({
      ok: true,
      payload: { ...payload, classification: 'false_positive', note: 'maintenance' },
    });
    expect(parseModalSubmission(submission(view, {}))).toEqual({ ok: false, reason: 'choose a classification to resolve the alert' });
  });

  it('escalate: an optional note; an empty note is absent', () => {
    const view = escalateModal({ verb: 'escalate', alertId: 'FW-3', version: 1 }) as Json;
    expect(blockKitViolations(view.blocks as Json[])).toEqual([]);
    expect(parseModalSubmission(submission(view, { [SLACK_IDS.noteBlock]: { [SLACK_IDS.noteAction]: { value: null } } }))).toEqual({
      ok: true,
      payload: { verb: 'escalate', alertId: 'FW-3', version: 1 },
    });
  });

  it('reads only the click from private_metadata that also says where the card was', () => {
    const view = escalateModal({ verb: 'escalate', alertId: 'FW-3', version: 1 }) as Json;
    const metadata = JSON.stringify({ verb: 'escalate', alertId: 'FW-3', version: 1, channel: 'C0ALERTS', messageTs: '1.2' });
    expect(parseModalSubmission({ ...view, private_metadata: metadata, state: { values: {} } })).toEqual({
      ok: true,
      payload: { verb: 'escalate', alertId: 'FW-3', version: 1 },
    });
  });

  it('refuses submissions that do not belong to FirstWatch or disagree with themselves', () => {
    const view = resolveModal(payload) as Json;
    expect(parseModalSubmission(undefined)).toMatchObject({ ok: false });
    expect(parseModalSubmission({ ...view, callback_id: 'other' })).toMatchObject({
      ok: false,
      reason: 'unknown modal callback_id "other"',
    });
    expect(parseModalSubmission({ ...view, private_metadata: JSON.stringify({ ...payload, verb: 'ack' }) })).toMatchObject({ ok: false });
    expect(parseModalSubmission({ ...view, private_metadata: 'garbage' })).toMatchObject({
      ok: false,
      reason: 'the action payload is not valid JSON',
    });
  });
});

describe('Slack command replies', () => {
  it.each(replyCatalog())('%s: stays inside every Block Kit limit and escapes user text', (_name, reply) => {
    const msg = commandReplyBlocks(reply, cardContext());
    expect(blockKitViolations(msg.blocks, SLACK_LIMITS.messageChars)).toEqual([]);
    expect(msg.text.length).toBeGreaterThan(0);
    expectSafeMrkdwn(msg);
  });

  it('lists alerts with id, status, age and title, and counts the rest', () => {
    const msg = commandReplyBlocks(replyCatalog().find(([n]) => n === 'all alerts, many')![1], cardContext());
    const texts = mrkdwnTexts(msg.blocks);
    expect(texts[0].split('\n')[1]).toBe('• *FW-1* · Open · 12m — Alert 1 ');
    expect(texts).toContain('…and 95 more alerts');
  });

  it('shows an alert detail with its audit trail and the alert buttons', () => {
    const msg = commandReplyBlocks(replyCatalog().find(([n]) => n === 'alert detail, long audit')![1], cardContext());
    const trail = mrkdwnTexts(msg.blocks).find((t) => t.startsWith('*Audit trail*'))!;
    expect(trail).toContain('_15 earlier entries not shown_');
    expect(trail).toContain('12:39 UTC · Alex Wilber · view · allowed');
    expect(trail).not.toContain('12:14 UTC');
    expect(trail).toContain('not on the allow-list &lt;!channel&gt;');
    expect((actionsBlock(msg.blocks)!.elements as Json[]).map((e) => e.action_id)).toEqual(['fw_reopen', 'fw_hunt']);
  });

  it('posts a small pending message for a hunt, not a result', () => {
    const msg = commandReplyBlocks({ kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 86_400_000 } }, cardContext());
    expect(msg.text).toBe('Hunting alice@contoso.com…');
    expect(mrkdwnTexts(msg.blocks)).toEqual([
      ':mag: *Hunting alice@contoso.com…*',
      'Searching the workspace (last 1 day). The results will replace this message.',
    ]);
  });

  it('renders help and errors', () => {
    const help = commandReplyBlocks(replyCatalog().find(([n]) => n === 'help')![1], cardContext());
    expect(mrkdwnTexts(help.blocks)[0]).toContain('• `ack &lt;alert-id&gt;` — Acknowledge an alert');
    const error = commandReplyBlocks({ kind: 'error', message: 'no <@U1>' }, cardContext());
    expect(mrkdwnTexts(error.blocks)).toEqual([':warning: no &lt;@U1&gt;']);
  });
});
