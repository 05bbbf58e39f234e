import type { CardActionPayload } from '../../alerts/commands';
import { cardPayload, NOTE_MAX_LENGTH, parseCardActionPayload, type PayloadParse } from '../payload';
import { SLACK_IDS, slackActionId } from './ids';
import { mrkdwn, plain, safeMrkdwn, SLACK_LIMITS, type SlackBlock } from './mrkdwn';

const CLASSIFICATION_OPTIONS = [
  { value: 'true_positive', text: 'True positive' },
  { value: 'benign_positive', text: 'Benign positive' },
  { value: 'false_positive', text: 'False positive' },
] as const;

function noteInput(label: string): SlackBlock {
  return {
    type: 'input',
    block_id: SLACK_IDS.noteBlock,
    optional: true,
    label: plain(label, SLACK_LIMITS.inputLabel),
    element: { type: 'plain_text_input', action_id: SLACK_IDS.noteAction, multiline: true, max_length: NOTE_MAX_LENGTH },
  };
}

function intro(verb: string, payload: CardActionPayload, title: string | undefined): SlackBlock {
  const what = title ? `*${payload.alertId}* · ${safeMrkdwn(title, 500)}` : `*${payload.alertId}*`;
  return { type: 'section', text: mrkdwn(`${verb} ${what}`) };
}

/** Only what identifies the click travels in private_metadata (never the note). */
function metadata(payload: CardActionPayload, verb: 'escalate' | 'resolve'): string {
  return JSON.stringify(cardPayload(verb, payload.alertId, payload.version));
}

/** The modal the Escalate button opens (views.open with the button's trigger_id). */
export function escalateModal(payload: CardActionPayload, opts: { title?: string } = {}): object {
  return {
    type: 'modal',
    callback_id: SLACK_IDS.escalateCallback,
    private_metadata: metadata(payload, 'escalate'),
    title: plain(`Escalate ${payload.alertId}`, SLACK_LIMITS.modalTitle),
    submit: plain('Escalate', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [intro('Escalating', payload, opts.title), noteInput('Note for the escalation')],
  };
}

/** The modal the Resolve button opens: classification (required) and an optional note. */
export function resolveModal(payload: CardActionPayload, opts: { title?: string } = {}): object {
  return {
    type: 'modal',
    callback_id: SLACK_IDS.resolveCallback,
    private_metadata: metadata(payload, 'resolve'),
    title: plain(`Resolve ${payload.alertId}`, SLACK_LIMITS.modalTitle),
    submit: plain('Resolve', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      intro('Resolving', payload, opts.title),
      {
        type: 'input',
        block_id: SLACK_IDS.classificationBlock,
        label: plain('Classification', SLACK_LIMITS.inputLabel),
        element: {
          type: 'static_select',
          action_id: SLACK_IDS.classificationAction,
          placeholder: plain('Choose…', 150),
          options: CLASSIFICATION_OPTIONS.map((o) => ({ text: plain(o.text, SLACK_LIMITS.optionText), value: o.value })),
        },
      },
      noteInput('Note'),
    ],
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * private_metadata is an envelope: the click's fields, plus where the card was
 * (the Slack adapter adds its channel and ts). Only the click is a payload;
 * text that is not JSON is handed on as it is, for the parser to refuse.
 */
function clickIn(privateMetadata: string): unknown {
  let envelope: unknown;
  try {
    envelope = JSON.parse(privateMetadata);
  } catch {
    return privateMetadata;
  }
  const e = record(envelope);
  if (!e) return envelope;
  const own = (key: string): unknown => (Object.prototype.hasOwnProperty.call(e, key) ? e[key] : undefined);
  return { verb: own('verb'), alertId: own('alertId'), version: own('version') };
}

/**
 * Reads a view_submission's `view` back into a CardActionPayload: the click
 * from private_metadata, the note and classification from state.values.
 */
export function parseModalSubmission(view: unknown): PayloadParse {
  const v = record(view);
  if (!v) return { ok: false, reason: 'the modal submission has no view object' };
  const expected =
    v.callback_id === SLACK_IDS.escalateCallback ? 'escalate' : v.callback_id === SLACK_IDS.resolveCallback ? 'resolve' : undefined;
  if (!expected) return { ok: false, reason: `unknown modal callback_id ${JSON.stringify(v.callback_id)}` };
  if (typeof v.private_metadata !== 'string') return { ok: false, reason: 'the modal has no private_metadata' };
  // The click carries no classification; the form's own select supplies it below.
  const base = parseCardActionPayload(clickIn(v.private_metadata), { classificationFollows: true });
  if (!base.ok) return base;
  if (base.payload.verb !== expected) return { ok: false, reason: `the modal ${String(v.callback_id)} carries verb ${base.payload.verb}` };
  const values = record(record(v.state)?.values) ?? {};
  const note = record(record(values[SLACK_IDS.noteBlock])?.[SLACK_IDS.noteAction])?.value;
  const selected = record(record(record(values[SLACK_IDS.classificationBlock])?.[SLACK_IDS.classificationAction])?.selected_option)?.value;
  if (expected === 'resolve' && (typeof selected !== 'string' || selected === '')) {
    return { ok: false, reason: 'choose a classification to resolve the alert' };
  }
  return parseCardActionPayload({
    ...base.payload,
    note: typeof note === 'string' ? note : undefined,
    classification: expected === 'resolve' ? selected : undefined,
  });
}

/** Reads a block_actions button ({ action_id, value }) into a CardActionPayload, checking the two agree. */
export function parseSlackButton(action: unknown): PayloadParse {
  const a = record(action);
  if (!a) return { ok: false, reason: 'the button action is not an object' };
  // The Resolve button only opens the modal that asks for the classification.
  const parsed = parseCardActionPayload(a.value, { classificationFollows: true });
  if (!parsed.ok) return parsed;
  if (a.action_id !== slackActionId(parsed.payload.verb)) {
    return { ok: false, reason: `button ${JSON.stringify(a.action_id)} carries verb ${parsed.payload.verb}` };
  }
  return parsed;
}
