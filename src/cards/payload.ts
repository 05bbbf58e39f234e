import { isAlertId } from '../alerts/alert-id';
import { CLASSIFICATIONS, isClassification } from '../alerts/classification';
import { MAX_NOTE_LENGTH } from '../alerts/note';
import type { CardActionPayload, CardVerb } from '../alerts/commands';

export const CARD_VERBS: readonly CardVerb[] = ['ack', 'escalate', 'resolve', 'reopen', 'hunt'];
/** The domain's note limit; a longer note is refused here rather than cut. */
export const NOTE_MAX_LENGTH = MAX_NOTE_LENGTH;

export type PayloadParse = { ok: true; payload: CardActionPayload } | { ok: false; reason: string };

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (CARD_VERBS as readonly string[]).includes(value);
}

/** Only the fields a payload has, in a stable order (what buttons carry). */
export function cardPayload(
  verb: CardVerb,
  alertId: string,
  version: number,
  extra: Pick<CardActionPayload, 'note' | 'classification'> = {},
): CardActionPayload {
  const payload: CardActionPayload = { verb, alertId, version };
  if (extra.note !== undefined) payload.note = extra.note;
  if (extra.classification !== undefined) payload.classification = extra.classification;
  return payload;
}

/**
 * Reads what a button sent back: a Slack button value (JSON text) or the data
 * object of a Teams action. Unknown keys are ignored; an empty note or
 * classification (an untouched input) counts as absent.
 */
export function parseCardActionPayload(input: unknown): PayloadParse {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, reason: 'the action payload is not valid JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the action payload is not an object' };
  }
  const v = value as Record<string, unknown>;
  if (!isCardVerb(v.verb)) return { ok: false, reason: `unknown action verb ${JSON.stringify(v.verb)}; expected one of ${CARD_VERBS.join(', ')}` };
  if (!isAlertId(v.alertId)) {
    return { ok: false, reason: `the action payload's alertId ${JSON.stringify(v.alertId)} is not an alert id like FW-12` };
  }
  if (typeof v.version !== 'number' || !Number.isSafeInteger(v.version) || v.version < 0) {
    return { ok: false, reason: `the action payload's version ${JSON.stringify(v.version)} is not a non-negative integer` };
  }
  const extra: Pick<CardActionPayload, 'note' | 'classification'> = {};
  if (v.note !== undefined && v.note !== null) {
    if (typeof v.note !== 'string') return { ok: false, reason: 'the note is not text' };
    const note = v.note.trim();
    if (note.length > NOTE_MAX_LENGTH) return { ok: false, reason: `the note is ${note.length} characters; the limit is ${NOTE_MAX_LENGTH}` };
    if (note.length > 0) extra.note = note;
  }
  if (v.classification !== undefined && v.classification !== null && v.classification !== '') {
    if (!isClassification(v.classification)) {
      return { ok: false, reason: `unknown classification ${JSON.stringify(v.classification)}; expected one of ${CLASSIFICATIONS.join(', ')}` };
    }
    extra.classification = v.classification;
  }
  return { ok: true, payload: cardPayload(v.verb, v.alertId, v.version, extra) };
}
