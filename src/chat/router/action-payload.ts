import { isAlertId } from '../../alerts/alert-id';
import { isClassification } from '../../alerts/classification';
import { validateNote } from '../../alerts/note';
import type { CardActionPayload, CardVerb } from '../../alerts/commands';

export type PayloadCheck = { ok: true; payload: CardActionPayload } | { ok: false; reason: string };

const VERBS: readonly CardVerb[] = ['ack', 'escalate', 'resolve', 'reopen', 'hunt'];
const KNOWN_KEYS = new Set(['verb', 'alertId', 'version', 'note', 'classification']);
/** Teams adds an "msteams" object to Action.Submit data; it carries nothing we use. */
const IGNORED_KEYS = new Set(['msteams']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Validates a button payload from any platform. Strict: a plain object with
 * only known keys, a known verb, an FW-<n> id, a non-negative integer version, and a
 * classification for resolve. Card inputs (note, classification) travel with
 * every button of a Teams card, so on other verbs they are checked and ignored.
 */
export function parseCardAction(value: unknown): PayloadCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the button payload is not an object' };
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return { ok: false, reason: 'the button payload is not a plain object' };
  const keys = Reflect.ownKeys(value);
  for (const key of keys) {
    if (typeof key !== 'string') return { ok: false, reason: 'the button payload has a symbol key' };
    if (FORBIDDEN_KEYS.has(key)) return { ok: false, reason: `the button payload has a forbidden key "${key}"` };
    if (!KNOWN_KEYS.has(key) && !IGNORED_KEYS.has(key)) {
      return { ok: false, reason: `the button payload has an unknown key "${key.slice(0, 40)}"` };
    }
  }
  const get = (k: string): unknown => (Object.prototype.hasOwnProperty.call(value, k) ? (value as Record<string, unknown>)[k] : undefined);

  const verb = get('verb');
  if (typeof verb !== 'string' || !(VERBS as readonly string[]).includes(verb)) {
    return { ok: false, reason: `the button verb must be one of ${VERBS.join(', ')}` };
  }
  const alertId = get('alertId');
  if (!isAlertId(alertId)) return { ok: false, reason: 'the button alertId must look like FW-<number>' };
  const version = get('version');
  // 0 is a card whose version is unknown; it is treated as stale.
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return { ok: false, reason: 'the button version must be a non-negative integer' };
  }
  const payload: CardActionPayload = { verb: verb as CardVerb, alertId, version };

  const rawNote = get('note');
  if (rawNote !== undefined && typeof rawNote !== 'string') return { ok: false, reason: 'the note must be text' };
  const note = validateNote(rawNote);
  if (!note.ok) return { ok: false, reason: note.reason };

  const classification = get('classification');
  if (classification !== undefined && typeof classification !== 'string') return { ok: false, reason: 'the classification must be text' };
  if (verb === 'resolve') {
    if (!isClassification(classification)) {
      return { ok: false, reason: 'resolve needs a classification: true_positive, benign_positive or false_positive' };
    }
    payload.classification = classification;
  } else if (classification !== undefined && classification !== '' && !isClassification(classification)) {
    return { ok: false, reason: 'the classification must be true_positive, benign_positive or false_positive' };
  }
  if (note.note !== undefined && (verb === 'escalate' || verb === 'resolve' || verb === 'reopen')) payload.note = note.note;
  return { ok: true, payload };
}
