import { alertCard, DETAILS_ID, TEAMS_CARD_BUDGET_BYTES } from '../../src/cards/adaptive/alert-card';
import { parseTeamsActionData, TEAMS_INPUT_IDS } from '../../src/cards/adaptive/actions';
import { commandReplyCard } from '../../src/cards/adaptive/reply-card';
import { huntPendingCard } from '../../src/cards/adaptive/hunt-pending';
import { availableVerbs } from '../../src/cards/actions';
import { toAlertView } from '../../src/cards/alert-view';
import { checkAdaptiveCard } from './adaptive-validator';
import { alertCatalog, replyCatalog } from './catalog';
import { alertIn, cardContext, hugeAlert, makeAlert } from './fixtures';

type Json = Record<string, unknown>;

/** Every object in the card, depth first. */
function walk(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => walk(n, out));
  else if (typeof node === 'object' && node !== null) {
    out.push(node as Json);
    Object.values(node).forEach((v) => walk(v, out));
  }
  return out;
}

const ofType = (card: unknown, type: string) => walk(card).filter((o) => o.type === type);

/** The card without what the renderer does not model (Teams' msteams, action fallbacks). */
function withoutHostExtras(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutHostExtras);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== 'msteams' && k !== 'fallback')
      .map(([k, v]) => [k, withoutHostExtras(v)]),
  );
}

/** The card as a client without Universal Actions sees it: every Action.Execute replaced by its fallback. */
function asFallback(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asFallback);
  if (typeof node !== 'object' || node === null) return node;
  const o = node as Json;
  if (o.type === 'Action.Execute') return o.fallback;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, asFallback(v)]));
}

function expectClean(card: object): void {
  const report = checkAdaptiveCard(card);
  expect(report.parseEvents).toEqual([]);
  expect(report.validationEvents).toEqual([]);
  // Whatever the renderer did not understand (a misspelt property, an invalid value) is missing from its round trip.
  expect(report.roundTrip).toEqual(withoutHostExtras(card));
}

/** The verbs the card's own buttons trigger, in order (ShowCards count as the action they lead to). */
function stateVerbs(card: Json): string[] {
  const actions = (card.actions ?? []) as Json[];
  return actions
    .filter((a) => a.type !== 'Action.ToggleVisibility')
    .map((a) => (a.type === 'Action.ShowCard' ? (((a.card as Json).actions as Json[])[0].verb as string) : (a.verb as string)));
}

/** What Teams sends back for one Execute: its data with the values of the inputs beside it merged in. */
function clickAll(card: Json, inputValues: Record<string, string>): { execute: Json; submit: Json }[] {
  const clicks: { execute: Json; submit: Json }[] = [];
  const scopes: Json[] = [
    card,
    ...walk(card.actions)
      .filter((o) => o.type === 'Action.ShowCard')
      .map((s) => s.card as Json),
  ];
  for (const scope of scopes) {
    const inputs = ((scope.body ?? []) as Json[]).filter((e) => String(e.type).startsWith('Input.')).map((e) => e.id as string);
    const merged = Object.fromEntries(inputs.map((id) => [id, inputValues[id] ?? '']));
    for (const a of (scope.actions ?? []) as Json[]) {
      if (a.type !== 'Action.Execute') continue;
      const fallback = a.fallback as Json;
      clicks.push({ execute: { ...(a.data as Json), ...merged }, submit: { ...(fallback.data as Json), ...merged } });
    }
  }
  return clicks;
}

describe('the renderer check itself', () => {
  it('notices unknown elements, duplicate input ids, missing labels and misspelt properties', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Bogus' },
        { type: 'Input.Text', id: 'a', isRequired: true },
        { type: 'Input.Text', id: 'a', label: 'A' },
        { type: 'TextBlock', text: 'x', colour: 'Attention' },
      ],
    };
    const report = checkAdaptiveCard(broken);
    expect(report.parseEvents.join('\n')).toMatch(/UnknownElementType/);
    expect(report.validationEvents.join('\n')).toMatch(/DuplicateId/);
    expect(report.validationEvents.join('\n')).toMatch(/RequiredInputsShouldHaveLabel/);
    expect(report.roundTrip).not.toEqual(withoutHostExtras(broken));
  });
});

describe('Teams alert card', () => {
  it.each(alertCatalog())(
    '%s: parses in the official renderer (schema 1.5) with no warnings, also as its Action.Submit fallback',
    (_name, alert) => {
      const card = alertCard(toAlertView(alert, cardContext()));
      expectClean(card);
      const fallback = asFallback(card) as object;
      const report = checkAdaptiveCard(fallback);
      expect([...report.parseEvents, ...report.validationEvents]).toEqual([]);
      expect(JSON.stringify(fallback)).not.toContain('Action.Execute');
    },
  );

  it('without tenant, workspace or query it still has the portal link for the VM, and no empty link set without it', () => {
    const minimal = alertCard(toAlertView(makeAlert(), { now: cardContext().now }));
    expectClean(minimal);
    expect(ofType(minimal, 'Action.OpenUrl').map((a) => a.title)).toEqual(['VM in Azure portal']);
    const none = alertCard(toAlertView(makeAlert({ target: { found: false } }), { now: cardContext().now }));
    expectClean(none);
    expect(ofType(none, 'ActionSet')).toEqual([]);
  });

  it.each(alertCatalog())('%s: stays under the Teams message budget', (_name, alert) => {
    const card = alertCard(toAlertView(alert, cardContext()));
    expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
  });

  it.each(['open', 'acknowledged', 'escalated', 'resolved'] as const)('shows only the buttons valid when %s', (status) => {
    const card = alertCard(toAlertView(alertIn(status), cardContext())) as Json;
    expect(stateVerbs(card)).toEqual(availableVerbs(status, true));
    const noUpn = alertCard(toAlertView(alertIn(status, { subject: { displayName: 'Alice' } }), cardContext())) as Json;
    expect(stateVerbs(noUpn)).toEqual(availableVerbs(status, false));
  });

  it('gives every Action.Execute an Action.Submit fallback with the same data', () => {
    const card = alertCard(toAlertView(makeAlert(), cardContext()));
    const executes = ofType(card, 'Action.Execute');
    expect(executes.map((e) => e.verb)).toEqual(['ack', 'escalate', 'resolve', 'hunt']);
    for (const e of executes) {
      expect(e.fallback).toMatchObject({ type: 'Action.Submit', title: e.title, data: e.data });
      expect(e.data).toEqual({ verb: e.verb, alertId: 'FW-12', version: 1 });
    }
  });

  it('round-trips every button: what Teams sends back (Execute or Submit, inputs merged) parses into the payload', () => {
    const card = alertCard(toAlertView(alertIn('open', { version: 7 }), cardContext())) as Json;
    const clicks = clickAll(card, {
      [TEAMS_INPUT_IDS.escalateNote]: 'paging the platform team',
      [TEAMS_INPUT_IDS.resolveNote]: ' planned change CHG-1 ',
      [TEAMS_INPUT_IDS.classification]: 'benign_positive',
    });
    const expected = [
      { verb: 'ack', alertId: 'FW-12', version: 7 },
      { verb: 'hunt', alertId: 'FW-12', version: 7 },
      { verb: 'escalate', alertId: 'FW-12', version: 7, note: 'paging the platform team' },
      { verb: 'resolve', alertId: 'FW-12', version: 7, note: 'planned change CHG-1', classification: 'benign_positive' },
    ];
    expect(clicks.map((c) => parseTeamsActionData(c.execute))).toEqual(expected.map((payload) => ({ ok: true, payload })));
    expect(clicks.map((c) => parseTeamsActionData(c.submit))).toEqual(expected.map((payload) => ({ ok: true, payload })));
    // An untouched optional note arrives as "" and is simply absent.
    const untouched = clickAll(card, { [TEAMS_INPUT_IDS.classification]: 'true_positive' }).map((c) => parseTeamsActionData(c.execute));
    expect(untouched[2]).toEqual({ ok: true, payload: { verb: 'escalate', alertId: 'FW-12', version: 7 } });
  });

  it('asks for a classification (required, labelled) and an optional note before resolving, and a note before escalating', () => {
    const card = alertCard(toAlertView(makeAlert(), cardContext())) as Json;
    const showCards = ofType(card, 'Action.ShowCard');
    expect(showCards.map((s) => s.title)).toEqual(['Escalate…', 'Resolve…']);
    const [escalate, resolve] = showCards.map((s) => (s.card as Json).body as Json[]);
    expect(escalate).toEqual([
      expect.objectContaining({ type: 'Input.Text', id: TEAMS_INPUT_IDS.escalateNote, maxLength: 1000, isMultiline: true }),
    ]);
    expect(resolve[0]).toMatchObject({
      type: 'Input.ChoiceSet',
      id: TEAMS_INPUT_IDS.classification,
      isRequired: true,
      label: 'Classification',
    });
    expect((resolve[0].choices as Json[]).map((c) => c.value)).toEqual(['true_positive', 'benign_positive', 'false_positive']);
    expect(resolve[1]).toMatchObject({ type: 'Input.Text', id: TEAMS_INPUT_IDS.resolveNote });
    const ids = walk(card)
      .filter((o) => String(o.type).startsWith('Input.'))
      .map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('opens with the state in a header coloured by it, then the glance facts and insights; MITRE, links and the rest behind Details', () => {
    const card = alertCard(toAlertView(alertIn('acknowledged'), cardContext())) as Json;
    const body = card.body as Json[];
    expect(body[0]).toMatchObject({ type: 'Container', style: 'accent' });
    expect(JSON.stringify(body[0])).toContain('👀 **ACKNOWLEDGED** · 🔴 High · FW-12');
    // Who and when, in the reader's time zone (Teams evaluates DATE and TIME on the reader's device).
    expect(JSON.stringify(body[0])).toContain(
      'Acknowledged by Alex Wilber · {{DATE(2026-11-27T14:10:00Z, SHORT)}} {{TIME(2026-11-27T14:10:00Z)}}',
    );
    const texts = ofType(card, 'TextBlock').map((t) => t.text);
    expect(texts).toContain('💡 First time this user performed this action');
    expect(texts).toContain('{{DATE(2026-11-27T14:02:00Z, SHORT)}} {{TIME(2026-11-27T14:02:00Z)}}');
    expect(texts.join('\n')).not.toMatch(/min ago/);
    const details = walk(card).find((o) => o.id === DETAILS_ID)!;
    expect(details).toMatchObject({ type: 'Container', isVisible: false });
    expect(ofType(details, 'TextBlock').map((t) => t.text)).toContain(
      '[T1021.008 Remote Services: Direct Cloud VM Connections](https://attack.mitre.org/techniques/T1021/008/)',
    );
    expect(ofType(details, 'Action.OpenUrl').map((a) => a.title)).toEqual([
      'User in Defender',
      'VM in Azure portal',
      'Query in Log Analytics',
    ]);
    expect((card.actions as Json[]).at(-1)).toEqual({ type: 'Action.ToggleVisibility', title: 'Details', targetElements: [DETAILS_ID] });
    expect(card).toMatchObject({ version: '1.5', fallbackText: expect.stringContaining('FW-12') });
    expect(card).not.toHaveProperty('refresh');
  });

  it.each([
    ['open', 'attention', '🚨 **OPEN**'],
    ['acknowledged', 'accent', '👀 **ACKNOWLEDGED**'],
    ['escalated', 'warning', '⏫ **ESCALATED**'],
    ['resolved', 'good', '✅ **RESOLVED · FALSE POSITIVE**'],
  ] as const)('when %s, the header is %s and its first line says so in a word and an icon', (status, style, first) => {
    const card = alertCard(toAlertView(alertIn(status), cardContext())) as Json;
    const header = (card.body as Json[])[0];
    expect(header.style).toBe(style);
    expect(String(((header.items as Json[])[0] as Json).text).startsWith(first)).toBe(true);
  });

  it('keeps user-controlled text from becoming markdown links or formatting', () => {
    const hostile = alertCatalog().find(([n]) => n === 'hostile strings')![1];
    const card = alertCard(toAlertView(hostile, cardContext()));
    const texts = walk(card)
      .flatMap((o) => [o.text, o.value, o.title])
      .filter((t): t is string => typeof t === 'string');
    const links = texts.flatMap((t) => [...t.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]));
    expect(links.every((url) => url.startsWith('https://attack.mitre.org/techniques/'))).toBe(true);
    expect(texts).toContain('\\<!channel\\> \\[click\\](https://evil.example) \\*bold\\* & \\_x\\_');
  });

  it('cuts the longest values visibly rather than failing', () => {
    const card = alertCard(toAlertView(hugeAlert(), cardContext()));
    const title = ofType(card, 'TextBlock')[1].text as string;
    expect(title.endsWith('…')).toBe(true);
    expect(ofType(card, 'TextBlock').some((t) => /^…and \d+ more insights$/.test(String(t.text)))).toBe(true);
  });
});

describe('Teams command replies', () => {
  it.each(replyCatalog())('%s: parses with no warnings and fits the budget', (_name, reply) => {
    const card = commandReplyCard(reply, cardContext());
    expectClean(card);
    expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
  });

  it('lists alerts as a table (id, title, status, age) and counts what it leaves out', () => {
    const reply = replyCatalog().find(([n]) => n === 'all alerts, many')![1];
    const card = commandReplyCard(reply, cardContext());
    const [tbl] = ofType(card, 'Table');
    const rows = tbl.rows as Json[];
    expect(rows).toHaveLength(26);
    const cell = (r: number, c: number) => ((rows[r].cells as Json[])[c].items as Json[])[0].text;
    expect([0, 1, 2, 3].map((c) => cell(0, c))).toEqual(['Alert', 'Title', 'Status', 'Age']);
    expect([0, 2, 3].map((c) => cell(1, c))).toEqual(['FW-1', 'Open', '12m']);
    expect(ofType(card, 'TextBlock').map((t) => t.text)).toContain('…and 95 more alerts');
  });

  it('shows an alert detail with its audit trail, newest entries kept', () => {
    const reply = replyCatalog().find(([n]) => n === 'alert detail, long audit')![1];
    const card = commandReplyCard(reply, cardContext()) as Json;
    const texts = ofType(card, 'TextBlock').map((t) => t.text);
    expect(texts).toContain('Audit trail');
    expect(texts).toContain('15 earlier entries not shown');
    const [audit] = ofType(card, 'Table');
    expect(JSON.stringify(audit)).toContain('12:39 UTC');
    expect(JSON.stringify(audit)).not.toContain('12:14 UTC');
    expect(stateVerbs(card)).toEqual(['reopen', 'hunt']);
  });

  it('makes errors a short attention-coloured card', () => {
    const card = commandReplyCard({ kind: 'error', message: 'FW-99 does not exist' }, cardContext());
    expect(ofType(card, 'TextBlock')).toEqual([expect.objectContaining({ text: '⚠️ FW-99 does not exist', color: 'Attention' })]);
  });

  it('shows a small pending card for a hunt and nothing that pretends to be a result', () => {
    const card = huntPendingCard('alice@contoso.com', { lookbackMs: 7 * 86_400_000, alertId: 'FW-12' }) as Json;
    expectClean(card);
    expect(ofType(card, 'TextBlock').map((t) => t.text)).toEqual([
      '🔎 Hunting alice@contoso.com…',
      'Searching the workspace (last 7 days, from FW-12). The results will replace this card.',
    ]);
    expect(card).not.toHaveProperty('actions');
    expect(
      commandReplyCard(
        { kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 7 * 86_400_000, alertId: 'FW-12' } },
        cardContext(),
      ),
    ).toEqual(card);
  });
});
