import type { AlertView, ViewFact } from '../alert-view';
import type { StateView } from '../state';
import { NOTE_MAX_LENGTH } from '../payload';
import { quotedNote } from '../plain-text';
import { takeFirst, truncate } from '../text-limits';
import { formatUtcTime } from '../../time/when';
import { TEAMS_INPUT_IDS, executeAction } from './actions';
import { type AcObject, card, factRows, heading, jsonBytes, safeText, textBlock } from './elements';
import { localTime } from './time';

/** Teams refuses messages above about 28 KB; stay well under it. */
export const TEAMS_CARD_BUDGET_BYTES = 24_000;

/** The id of the container the "Details" button shows and hides. */
export const DETAILS_ID = 'fwDetails';

/** How many insights the glance shows; the rest are under Details. */
const GLANCE_INSIGHTS = 2;

/** How much of each long part a card shows; tighter levels are tried until the card fits. */
interface Caps {
  fact: number;
  title: number;
  description: number;
  insights: number;
  insight: number;
  items: number;
  itemLabel: number;
  itemValue: number;
  status: number;
}

// The glance (title, facts) is capped tightly at every level, so the buttons stay near the top whatever the data.
const LEVELS: readonly Caps[] = [
  { fact: 160, title: 160, description: 1500, insights: 15, insight: 160, items: 15, itemLabel: 80, itemValue: 500, status: 300 },
  { fact: 120, title: 140, description: 500, insights: 8, insight: 120, items: 8, itemLabel: 60, itemValue: 200, status: 240 },
  { fact: 100, title: 120, description: 200, insights: 5, insight: 100, items: 5, itemLabel: 40, itemValue: 100, status: 200 },
];

function moreLine(more: number, what: string): AcObject[] {
  return more > 0 ? [textBlock(`…and ${more} more ${what}`, { isSubtle: true, spacing: 'None', size: 'Small' })] : [];
}

function factValue(f: ViewFact, max: number): string {
  if (f.at === undefined) return safeText(f.value, max);
  return localTime(f.at, safeText(f.value, max)) + (f.atNote !== undefined ? ` · ${safeText(f.atNote, max)}` : '');
}

/** The glance's labels are short (User, Action, Machine, When, Source); the details' are longer. */
const GLANCE_LABEL_WIDTH = '70px';
const DETAIL_LABEL_WIDTH = '130px';

function facts(entries: ViewFact[], caps: Caps, labelWidth: string): AcObject {
  return factRows(
    entries.map((f) => ({ title: safeText(f.label, 40), value: factValue(f, caps.fact) })),
    labelWidth,
  );
}

function listSection(title: string, entries: ViewFact[], caps: Caps, what: string): AcObject[] {
  if (entries.length === 0) return [];
  const { items, more } = takeFirst(entries, caps.items);
  return [
    heading(title),
    factRows(
      items.map((e) => ({ title: safeText(e.label, caps.itemLabel), value: factValue(e, caps.itemValue) })),
      DETAIL_LABEL_WIDTH,
    ),
    ...moreLine(more, what),
  ];
}

/** "Acknowledged by Alex Wilber · <reader's time> · “note”" */
function stateLine(text: string, at: Date | undefined, note: string | undefined, caps: Caps): string {
  const when = at !== undefined ? ` · ${localTime(at, formatUtcTime(at))}` : '';
  const quoted = note !== undefined ? ` · ${safeText(quotedNote(note), caps.status)}` : '';
  return `${safeText(text, caps.status)}${when}${quoted}`;
}

function stateLines(state: StateView, caps: Caps): AcObject[] {
  const lines: AcObject[] = [];
  if (state.by !== undefined) lines.push(textBlock(stateLine(state.by, state.at, state.note, caps), { spacing: 'Small', size: 'Small' }));
  if (state.escalation !== undefined) {
    const e = state.escalation;
    lines.push(textBlock(stateLine(e.by, e.at, e.note, caps), { spacing: 'None', size: 'Small', isSubtle: true }));
  }
  return lines;
}

/** The header says the state first (a word and an icon), so a channel can be scanned for what is unhandled; its colour follows. */
function header(view: AlertView, caps: Caps): AcObject {
  const s = view.state;
  const items: AcObject[] = [
    textBlock(`${s.icon} **${s.word.toUpperCase()}** · ${view.severity.emoji} ${view.severity.level} · ${view.alertId}`, {
      size: 'Small',
      spacing: 'None',
    }),
    textBlock(safeText(view.title, caps.title), { size: 'Medium', weight: 'Bolder', spacing: 'Small', style: 'heading' }),
    ...stateLines(s, caps),
  ];
  return { type: 'Container', style: s.tone, bleed: true, items };
}

function glanceInsights(view: AlertView, caps: Caps): AcObject[] {
  const { items } = takeFirst(view.insights, GLANCE_INSIGHTS);
  return items.map((i, n) => textBlock(`💡 ${safeText(i.text, caps.insight)}`, { spacing: n === 0 ? 'Small' : 'None' }));
}

function mitreSection(view: AlertView, caps: Caps): AcObject[] {
  if (view.techniques.length === 0 && view.tactics.length === 0) return [];
  const { items, more } = takeFirst(view.techniques, caps.insights);
  const blocks: AcObject[] = [heading('MITRE ATT&CK')];
  for (const t of items) {
    const label = safeText(t.name ? `${t.id} ${t.name}` : t.id, caps.insight);
    blocks.push(textBlock(t.url ? `[${label}](${t.url})` : label, { spacing: 'None' }));
  }
  blocks.push(...moreLine(more, 'techniques'));
  if (view.tactics.length > 0) {
    blocks.push(textBlock(`Tactics: ${safeText(view.tactics.join(', '), caps.fact)}`, { isSubtle: true, spacing: 'Small', size: 'Small' }));
  }
  return blocks;
}

function linkSet(view: AlertView): AcObject[] {
  if (view.links.length === 0) return [];
  return [{ type: 'ActionSet', actions: view.links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })) }];
}

/** Everything that is not needed at a glance, hidden until "Details" is pressed. */
function details(view: AlertView, caps: Caps): AcObject | undefined {
  const items: AcObject[] = [];
  if (view.description) items.push(textBlock(safeText(view.description, caps.description, true), { isSubtle: true }));
  const rest = view.insights.slice(GLANCE_INSIGHTS);
  if (rest.length > 0) {
    const { items: shown, more } = takeFirst(rest, caps.insights);
    items.push(heading('More insights'), ...shown.map((i) => textBlock(`💡 ${safeText(i.text, caps.insight)}`, { spacing: 'None' })));
    items.push(...moreLine(more, 'insights'));
  }
  if (view.moreFacts.length > 0) items.push(facts(view.moreFacts, caps, DETAIL_LABEL_WIDTH));
  items.push(...listSection('Details', view.details, caps, 'details'));
  items.push(
    ...listSection(
      'Entities',
      view.entities.map((e) => ({ label: e.type, value: e.text })),
      caps,
      'entities',
    ),
  );
  items.push(...mitreSection(view, caps));
  items.push(...linkSet(view));
  if (items.length === 0) return undefined;
  return { type: 'Container', id: DETAILS_ID, isVisible: false, separator: true, spacing: 'Medium', items };
}

function noteInput(id: string, label: string): AcObject {
  return { type: 'Input.Text', id, label, placeholder: 'Optional', isMultiline: true, maxLength: NOTE_MAX_LENGTH };
}

function stateActions(view: AlertView): AcObject[] {
  return view.actions.map((a) => {
    if (a.input === 'escalate') {
      return {
        type: 'Action.ShowCard',
        title: `${a.label}…`,
        card: {
          type: 'AdaptiveCard',
          body: [noteInput(TEAMS_INPUT_IDS.escalateNote, 'Note for the escalation')],
          actions: [executeAction(a.label, a.payload)],
        },
      };
    }
    if (a.input === 'resolve') {
      return {
        type: 'Action.ShowCard',
        title: `${a.label}…`,
        card: {
          type: 'AdaptiveCard',
          body: [
            {
              type: 'Input.ChoiceSet',
              id: TEAMS_INPUT_IDS.classification,
              label: 'Classification',
              style: 'expanded',
              isRequired: true,
              errorMessage: 'Choose a classification',
              choices: [
                { title: 'True positive', value: 'true_positive' },
                { title: 'Benign positive', value: 'benign_positive' },
                { title: 'False positive', value: 'false_positive' },
              ],
            },
            noteInput(TEAMS_INPUT_IDS.resolveNote, 'Note'),
          ],
          actions: [executeAction(a.label, a.payload, { style: 'positive' })],
        },
      };
    }
    return executeAction(a.label, a.payload, a.style === 'primary' ? { style: 'positive' } : {});
  });
}

/**
 * The alert card's body and actions at one level of detail: the state, title,
 * who, what, which machine, when and why first, then the buttons; the rest
 * behind a "Details" toggle (Action.ToggleVisibility), so a card reads at a glance.
 */
export function alertCardParts(view: AlertView, level = 0): { body: AcObject[]; actions: AcObject[] } {
  const caps = LEVELS[Math.min(Math.max(0, level), LEVELS.length - 1)];
  const body: AcObject[] = [header(view, caps), facts(view.facts, caps, GLANCE_LABEL_WIDTH), ...glanceInsights(view, caps)];
  const more = details(view, caps);
  const actions = stateActions(view);
  if (more !== undefined) {
    body.push(more);
    actions.push({ type: 'Action.ToggleVisibility', title: 'Details', targetElements: [DETAILS_ID] });
  }
  return { body, actions };
}

export function alertFallbackText(view: AlertView): string {
  return `${view.severity.emoji} ${view.severity.level}: ${truncate(view.title, 200)} (${view.alertId}) · ${view.statusLine}`;
}

/** The Teams alert card (Adaptive Card 1.5), cut down until it fits TEAMS_CARD_BUDGET_BYTES. */
export function alertCard(view: AlertView): object {
  let result: object = {};
  for (let level = 0; level < LEVELS.length; level++) {
    const { body, actions } = alertCardParts(view, level);
    result = card(body, actions, alertFallbackText(view));
    if (jsonBytes(result) <= TEAMS_CARD_BUDGET_BYTES) break;
  }
  return result;
}
