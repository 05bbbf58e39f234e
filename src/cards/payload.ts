import { isAlertId } from '../alerts/alert-id';
import { CLASSIFICATIONS, isClassification } from '../alerts/classification';
import { MAX_NOTE_LENGTH, validateNote } from '../alerts/note';
import type { CardActionPayload, CardVerb } from '../alerts/commands';

export const CARD_VERBS: readonly CardVerb[] = ['ack', 'escalate', 'resolve', 'reopen', 'hunt'];
/** The domain's note limit; a longer note is refused here rather than cut. */
export const NOTE_MAX_LENGTH = MAX_NOTE_LENGTH;

export type PayloadParse = { ok: true; payload: CardActionPayload } | { ok: false; reason: string };

export interface PayloadParseOptions {
  /**
   * The click only opens the form that asks for the classification (Slack's
   * Resolve button opens a modal), so a resolve without one is not refused yet.
   */
  classificationFollows?: boolean;
}

const KNOWN_KEYS = new Set(['verb', 'alertId', 'version', 'note', 'classification']);
/** Teams adds an "msteams" object to Action.Submit data; it carries nothing we use. */
const IGNORED_KEYS = new Set(['msteams']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CLASSIFICATION_LIST = `${CLASSIFICATIONS.slice(0, -1).join(', ')} or ${CLASSIFICATIONS[CLASSIFICATIONS.length - 1]}`;

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

/** A short, safe rendering of a refused value for a reason (never the whole of it). */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}

/**
 * The one reading of what a button or form sent back, on every platform: a Slack
 * button value or modal metadata (JSON text), the data object of a Teams action,
 * or a payload handed to the router. Strict: a plain object with only known keys
 * (none that could reach a prototype), a known verb, an FW-<n> id, a non-negative
 * integer version, a note the domain accepts, and a classification for resolve.
 * Card inputs travel with every button of a Teams card, so on other verbs they
 * are checked and dropped; an empty one (an untouched input) counts as absent.
 */
export function parseCardActionPayload(input: unknown, options: PayloadParseOptions = {}): PayloadParse {
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
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return { ok: false, reason: 'the action payload is not a plain object' };
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') return { ok: false, reason: 'the action payload has a symbol key' };
    if (FORBIDDEN_KEYS.has(key)) return { ok: false, reason: `the action payload has a forbidden key "${key}"` };
    if (!KNOWN_KEYS.has(key) && !IGNORED_KEYS.has(key)) {
      return { ok: false, reason: `the action payload has an unknown key "${key.slice(0, 40)}"` };
    }
  }
  const get = (k: string): unknown => (Object.prototype.hasOwnProperty.call(value, k) ? (value as Record<string, unknown>)[k] : undefined);

  const verb = get('verb');
  if (!isCardVerb(verb))
    return { ok: false, reason: `unknown action verb ${shown(verb)}; the verb must be one of ${CARD_VERBS.join(', ')}` };
  const alertId = get('alertId');
  if (!isAlertId(alertId)) return { ok: false, reason: `the alertId must look like FW-<number> (the payload has ${shown(alertId)})` };
  const version = get('version');
  // 0 is a card whose version is unknown; it is treated as stale.
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return { ok: false, reason: `the version must be a non-negative integer (the payload has ${shown(version)})` };
  }

  const rawNote = get('note');
  if (rawNote !== undefined && typeof rawNote !== 'string') return { ok: false, reason: 'the note must be text' };
  const note = validateNote(rawNote);
  if (!note.ok) return { ok: false, reason: note.reason };

  const rawClass = get('classification');
  if (rawClass !== undefined && typeof rawClass !== 'string') return { ok: false, reason: 'the classification must be text' };
  const classification = rawClass === '' ? undefined : rawClass;
  if (classification !== undefined && !isClassification(classification)) {
    const rule =
      verb === 'resolve' ? `resolve needs a classification: ${CLASSIFICATION_LIST}` : `the classification must be ${CLASSIFICATION_LIST}`;
    return { ok: false, reason: `unknown classification ${shown(classification)}; ${rule}` };
  }
  if (verb === 'resolve' && classification === undefined && options.classificationFollows !== true) {
    return { ok: false, reason: `resolve needs a classification: ${CLASSIFICATION_LIST}` };
  }

  const extra: Pick<CardActionPayload, 'note' | 'classification'> = {};
  if (note.note !== undefined && (verb === 'escalate' || verb === 'resolve' || verb === 'reopen')) extra.note = note.note;
  if (verb === 'resolve' && classification !== undefined) extra.classification = classification;
  return { ok: true, payload: cardPayload(verb, alertId, version, extra) };
}
