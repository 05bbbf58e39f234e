import type { CardActionPayload } from '../../alerts/commands';
import { parseCardActionPayload, type PayloadParse } from '../payload';
import type { AcObject } from './elements';

/**
 * How FirstWatch's Teams buttons carry their payload.
 *
 * Every state button is an `Action.Execute` (Universal Actions) whose `verb` is
 * the CardVerb and whose `data` is the flat payload `{ verb, alertId, version }`.
 * Its `fallback` is an `Action.Submit` with the very same flat `data`, so:
 *
 * - Action.Execute arrives as an `adaptiveCard/action` invoke; the payload is
 *   `activity.value.action.data` (the agents SDK hands it over as the third
 *   argument's `.data`).
 * - Action.Submit arrives as a message activity; the payload is
 *   `activity.value` itself. It is flat, so route it with
 *   `app.addRoute(ctx => typeof ctx.activity.value?.verb === 'string' && !ctx.activity.text)`,
 *   not `app.adaptiveCards.actionSubmit` (which insists on `{type, verb, data}`).
 *
 * In both, the client merges input values into that object at the top level
 * under the input ids below (notes and the classification). Pass either
 * object to `parseTeamsActionData`, which maps the input ids onto
 * `CardActionPayload.note` / `.classification` and validates the rest.
 *
 * No `refresh` section: the card is the same for every viewer and the bot
 * replaces it for everyone after each transition (REPLACE_FOR_ALL), so a
 * per-viewer refresh would only add one invoke per viewer per render
 * (against the 5 s budget and the rate limits) and a verb the contract lacks.
 */
export const TEAMS_INPUT_IDS = {
  /** Input.Text in the Escalate ShowCard. */
  escalateNote: 'fwEscalateNote',
  /** Input.Text in the Resolve ShowCard. */
  resolveNote: 'fwResolveNote',
  /** Input.ChoiceSet in the Resolve ShowCard: true_positive | benign_positive | false_positive. */
  classification: 'fwClassification',
} as const;

/** The data object both the Execute action and its Submit fallback carry. */
export function teamsActionData(payload: CardActionPayload): AcObject {
  return { ...payload };
}

/** An Action.Execute for the payload, with an Action.Submit fallback carrying the same data. */
export function executeAction(title: string, payload: CardActionPayload, props: AcObject = {}): AcObject {
  const data = teamsActionData(payload);
  return {
    type: 'Action.Execute',
    title,
    verb: payload.verb,
    data,
    ...props,
    fallback: { type: 'Action.Submit', title, data: { ...data }, ...props },
  };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * Reads the merged data of a Teams card action (see above) into a
 * CardActionPayload. The input of the verb's own ShowCard wins; an explicit
 * `note` field is accepted too.
 */
export function parseTeamsActionData(value: unknown): PayloadParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the card action data is not an object' };
  }
  const v = value as Record<string, unknown>;
  const noteKey = v.verb === 'escalate' ? TEAMS_INPUT_IDS.escalateNote : v.verb === 'resolve' ? TEAMS_INPUT_IDS.resolveNote : undefined;
  const note = noteKey !== undefined && nonEmpty(v[noteKey]) ? v[noteKey] : v.note;
  const classification =
    v.verb === 'resolve' && nonEmpty(v[TEAMS_INPUT_IDS.classification]) ? v[TEAMS_INPUT_IDS.classification] : v.classification;
  return parseCardActionPayload({ verb: v.verb, alertId: v.alertId, version: v.version, note, classification });
}
