import type { AlertStatus } from '../../alerts/types';
import type { AlertView } from '../alert-view';
import { NOTE_MAX_LENGTH } from '../payload';
import { takeFirst, truncate } from '../text-limits';
import { TEAMS_INPUT_IDS, executeAction } from './actions';
import { type AcObject, card, factSet, heading, jsonBytes, safeText, textBlock } from './elements';

/** Teams refuses messages above about 28 KB; stay well under it. */
export const TEAMS_CARD_BUDGET_BYTES = 24_000;

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

const LEVELS: readonly Caps[] = [
  { fact: 400, title: 300, description: 1500, insights: 15, insight: 200, items: 15, itemLabel: 80, itemValue: 500, status: 1200 },
  { fact: 200, title: 200, description: 500, insights: 8, insight: 120, items: 8, itemLabel: 60, itemValue: 200, status: 600 },
  { fact: 100, title: 150, description: 200, insights: 5, insight: 100, items: 5, itemLabel: 40, itemValue: 100, status: 300 },
];

const STATUS_COLOUR: Readonly<Record<AlertStatus, string>> = {
  open: 'Default',
  acknowledged: 'Accent',
  escalated: 'Attention',
  resolved: 'Good',
};

const CONTAINER_STYLE = { attention: 'attention', warning: 'warning', accent: 'accent', default: 'emphasis' } as const;

function moreLine(more: number, what: string): AcObject[] {
  return more > 0 ? [textBlock(`…and ${more} more ${what}`, { isSubtle: true, spacing: 'None', size: 'Small' })] : [];
}

function listSection(title: string, entries: { label: string; value: string }[], caps: Caps, what: string): AcObject[] {
  if (entries.length === 0) return [];
  const { items, more } = takeFirst(entries, caps.items);
  return [
    heading(title),
    factSet(items.map((e) => ({ title: safeText(e.label, caps.itemLabel), value: safeText(e.value, caps.itemValue) }))),
    ...moreLine(more, what),
  ];
}

function header(view: AlertView, caps: Caps): AcObject {
  const items: AcObject[] = [
    textBlock(`${view.severity.emoji} ${view.severity.level.toUpperCase()} · ${view.alertId}`, {
      size: 'Small',
      weight: 'Bolder',
      color: view.severity.colour === 'default' ? 'Default' : view.severity.colour.charAt(0).toUpperCase() + view.severity.colour.slice(1),
    }),
    textBlock(safeText(view.title, caps.title), { size: 'Large', weight: 'Bolder', spacing: 'Small', style: 'heading' }),
  ];
  if (view.detectionName.trim() !== '' && view.detectionName !== view.title) {
    items.push(textBlock(safeText(view.detectionName, caps.title), { isSubtle: true, spacing: 'None', size: 'Small' }));
  }
  return { type: 'Container', style: CONTAINER_STYLE[view.severity.colour], bleed: true, items };
}

function insightSection(view: AlertView, caps: Caps): AcObject[] {
  if (view.insights.length === 0) return [];
  const { items, more } = takeFirst(view.insights, caps.insights);
  return [
    heading('Why it fired'),
    ...items.map((i) => textBlock(`• ${safeText(i.text, caps.insight)}`, { spacing: 'None' })),
    ...moreLine(more, 'insights'),
  ];
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

/** The alert card's body and actions at one level of detail. */
export function alertCardParts(view: AlertView, level = 0): { body: AcObject[]; actions: AcObject[] } {
  const caps = LEVELS[Math.min(Math.max(0, level), LEVELS.length - 1)];
  const body: AcObject[] = [header(view, caps)];
  if (view.description) body.push(textBlock(safeText(view.description, caps.description, true), { isSubtle: true, maxLines: 6 }));
  body.push(factSet(view.facts.map((f) => ({ title: f.label, value: safeText(f.value, caps.fact) }))));
  body.push(...insightSection(view, caps));
  body.push(...mitreSection(view, caps));
  body.push(
    ...listSection(
      'Entities',
      view.entities.map((e) => ({ label: e.type, value: e.text })),
      caps,
      'entities',
    ),
  );
  body.push(...listSection('Details', view.details, caps, 'details'));
  body.push(...linkSet(view));
  body.push({
    type: 'Container',
    style: 'emphasis',
    spacing: 'Medium',
    items: [textBlock(safeText(view.statusLine, caps.status, true), { weight: 'Bolder', color: STATUS_COLOUR[view.status] })],
  });
  return { body, actions: stateActions(view) };
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
