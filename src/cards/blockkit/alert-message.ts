import type { AlertView, ViewFact } from '../alert-view';
import { quotedNote } from '../plain-text';
import { slackTime } from './time';
import type { ViewAction } from '../actions';
import { truncate } from '../text-limits';
import { slackActionId, SLACK_IDS } from './ids';
import { blocksChars, listSection, mrkdwn, plain, safeMrkdwn, section, SLACK_LIMITS, type SlackBlock } from './mrkdwn';

export interface SlackMessage {
  /** Notification and accessibility fallback (mrkdwn, escaped). */
  text: string;
  blocks: SlackBlock[];
}

/** How much of each long part a message shows; tighter levels are tried until it fits. */
interface Caps {
  field: number;
  description: number;
  insight: number;
  item: number;
  section: number;
  status: number;
}

const LEVELS: readonly Caps[] = [
  { field: 400, description: 1500, insight: 200, item: 300, section: 2000, status: 1200 },
  { field: 200, description: 500, insight: 120, item: 150, section: 1000, status: 600 },
  { field: 100, description: 200, insight: 80, item: 80, section: 400, status: 300 },
];

function button(action: ViewAction): SlackBlock {
  const b: SlackBlock = {
    type: 'button',
    action_id: slackActionId(action.verb),
    text: plain(action.input ? `${action.label}…` : action.label, SLACK_LIMITS.buttonText),
    value: JSON.stringify(action.payload),
  };
  if (action.style) b.style = action.style;
  return b;
}

function factText(f: ViewFact, max: number): string {
  if (f.at === undefined) return safeMrkdwn(f.value, max);
  return slackTime(f.at) + (f.atNote !== undefined ? ` · ${safeMrkdwn(f.atNote, max)}` : '');
}

function fields(facts: ViewFact[], caps: Caps): SlackBlock | undefined {
  const shown = facts.slice(0, SLACK_LIMITS.fields);
  if (shown.length === 0) return undefined;
  return {
    type: 'section',
    fields: shown.map((f) => mrkdwn(`*${safeMrkdwn(f.label, 80)}*\n${factText(f, Math.min(caps.field, SLACK_LIMITS.fieldText - 400))}`)),
  };
}

/** "Acknowledged by Alex Wilber · <reader's time> · “note”" */
function stateLine(text: string, at: Date | undefined, note: string | undefined, caps: Caps): string {
  const when = at !== undefined ? ` · ${slackTime(at)}` : '';
  const quoted = note !== undefined ? ` · ${safeMrkdwn(quotedNote(note), caps.status)}` : '';
  return `${safeMrkdwn(text, caps.status)}${when}${quoted}`;
}

/** The state first, as a word and an icon (Block Kit has no colours), then severity and id; who and when below. */
function stateContext(view: AlertView, caps: Caps): SlackBlock {
  const s = view.state;
  const lines = [`${s.icon} *${s.word.toUpperCase()}* · ${view.severity.emoji} ${view.severity.level} · ${view.alertId}`];
  if (s.by !== undefined) lines.push(stateLine(s.by, s.at, s.note, caps));
  if (s.escalation !== undefined) lines.push(stateLine(s.escalation.by, s.escalation.at, s.escalation.note, caps));
  return { type: 'context', elements: lines.map((l) => mrkdwn(l)) };
}

function mitreLines(view: AlertView, caps: Caps): string[] {
  const lines = view.techniques.map((t) => {
    const label = safeMrkdwn(t.name ? `${t.id} ${t.name}` : t.id, caps.insight);
    return t.url ? `• <${t.url}|${label.replace(/\|/g, '¦')}>` : `• ${label}`;
  });
  if (view.tactics.length > 0) lines.push(`Tactics: ${safeMrkdwn(view.tactics.join(', '), caps.item)}`);
  return lines;
}

function linkButtons(view: AlertView): SlackBlock | undefined {
  const usable = view.links.filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl);
  if (usable.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: SLACK_IDS.linksBlock,
    elements: usable.map((l) => ({
      type: 'button',
      action_id: `${SLACK_IDS.linkActionPrefix}${l.kind}`,
      text: plain(l.label, SLACK_LIMITS.buttonText),
      url: l.url,
    })),
  };
}

/**
 * The alert's blocks at one level of detail: state, title, the glance facts,
 * why it fired and the buttons first; below a divider, the details section.
 */
export function alertBlocks(view: AlertView, level = 0): SlackBlock[] {
  const caps = LEVELS[Math.min(Math.max(0, level), LEVELS.length - 1)];
  const s = view.state;
  const blocks: (SlackBlock | undefined)[] = [
    { type: 'header', text: plain(`${s.icon} ${s.word} · ${view.title}`, SLACK_LIMITS.headerText) },
    stateContext(view, caps),
    fields(view.facts, caps),
    view.insights.length > 0
      ? section(
          view.insights
            .slice(0, 2)
            .map((i) => `:bulb: ${safeMrkdwn(i.text, caps.insight)}`)
            .join('\n'),
        )
      : undefined,
  ];
  if (view.actions.length > 0) {
    blocks.push({ type: 'actions', block_id: SLACK_IDS.actionsBlock, elements: view.actions.map(button) });
  }
  const more: (SlackBlock | undefined)[] = [
    view.description ? section(`*Details*\n${safeMrkdwn(view.description, caps.description, true)}`) : undefined,
    listSection(
      'More insights',
      view.insights.slice(2).map((i) => `• ${safeMrkdwn(i.text, caps.insight)}`),
      'insights',
      caps.section,
    ),
    listSection(
      view.description ? 'About' : 'Details',
      [...view.moreFacts, ...view.details].map((d) => `• *${safeMrkdwn(d.label, 80)}*: ${factText(d, caps.item)}`),
      'details',
      caps.section,
    ),
    listSection(
      'Entities',
      view.entities.map((e) => `• *${safeMrkdwn(e.type, 60)}*: ${safeMrkdwn(e.text, caps.item)}`),
      'entities',
      caps.section,
    ),
    listSection('MITRE ATT&amp;CK', mitreLines(view, caps), 'techniques', caps.section),
    linkButtons(view),
  ];
  const rest = more.filter((b): b is SlackBlock => b !== undefined);
  if (rest.length > 0) blocks.push({ type: 'divider' }, ...rest);
  return blocks.filter((b): b is SlackBlock => b !== undefined);
}

/** "🔴 High · FW-12: First-time Run Command by alice@contoso.com — Open" */
export function alertFallback(view: AlertView): string {
  return safeMrkdwn(
    `${view.severity.emoji} ${view.severity.level} · ${view.alertId}: ${truncate(view.title, 200)} — ${view.statusLine}`,
    300,
  );
}

/** The Slack alert message, cut down until it fits SLACK_LIMITS.messageChars. */
export function alertMessage(view: AlertView): SlackMessage {
  let blocks: SlackBlock[] = [];
  for (let level = 0; level < LEVELS.length; level++) {
    blocks = alertBlocks(view, level);
    if (blocksChars(blocks) <= SLACK_LIMITS.messageChars) break;
  }
  return { text: alertFallback(view), blocks };
}

/** chat.postMessage metadata tagging the message with its alert (crash reconciliation). */
export function alertMetadata(view: AlertView): { event_type: string; event_payload: { alert_id: string; version: number } } {
  return { event_type: SLACK_IDS.metadataEventType, event_payload: { alert_id: view.alertId, version: view.version } };
}
