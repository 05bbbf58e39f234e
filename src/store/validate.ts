import type { Actor, AuditEntry, NewAlert } from '../alerts/types';
import type { MessageRef } from '../delivery/types';
import { StoreInputError } from './store';
import type { DeliveryTarget } from '../delivery/types';

const SEVERITIES = new Set(['Informational', 'Low', 'Medium', 'High']);
const PLATFORMS = new Set(['teams', 'slack', 'console']);
const ACTOR_PLATFORMS = new Set(['teams', 'slack', 'console', 'cli', 'system']);
const OUTCOMES = new Set(['allowed', 'refused', 'noop', 'failed']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  // Holes are skipped, as Array.prototype.every does.
  for (let i = 0; i < v.length; i++) if (i in v && typeof v[i] !== 'string') return false;
  return true;
}

export function isValidDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

const ALERT_STRINGS = ['detectionId', 'detectionName', 'title', 'fingerprint', 'workspace'] as const;
const SUBJECT_STRINGS = ['upn', 'displayName', 'aadObjectId'] as const;
const OPTIONAL_STRINGS = ['description', 'action', 'sourceIp', 'sourceLocation'] as const;

function alertFieldError(a: Record<string, unknown>, index: number, field: string, want: string): StoreInputError {
  return new StoreInputError(`alert #${index + 1} (${String(a.fingerprint)}): ${field} must be ${want}`);
}

function isEntityList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) continue;
    const e: unknown = v[i];
    if (!isObject(e) || typeof e.type !== 'string' || !isObject(e.fields)) return false;
  }
  return true;
}

function isStringRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && typeof v[k] !== 'string') return false;
  return true;
}

/** Throws StoreInputError naming the first field that is wrong. */
export function checkNewAlert(a: unknown, index: number): asserts a is NewAlert {
  // Runs once per alert of every poll, so no closures are built per call.
  if (!isObject(a)) throw new StoreInputError(`alert #${index + 1} is not an object`);
  for (const f of ALERT_STRINGS) {
    if (!nonEmpty(a[f])) throw alertFieldError(a, index, f, 'a non-empty string');
  }
  if (typeof a.severity !== 'string' || !SEVERITIES.has(a.severity)) {
    throw alertFieldError(a, index, 'severity', 'Informational, Low, Medium or High');
  }
  if (!isStringArray(a.tactics)) throw alertFieldError(a, index, 'tactics', 'an array of strings');
  if (!isStringArray(a.techniques)) throw alertFieldError(a, index, 'techniques', 'an array of strings');
  if (!isStringArray(a.insights)) throw alertFieldError(a, index, 'insights', 'an array of strings');
  if (!isValidDate(a.eventTime)) throw alertFieldError(a, index, 'eventTime', 'a valid Date');
  if (a.ingestionTime !== undefined && !isValidDate(a.ingestionTime))
    throw alertFieldError(a, index, 'ingestionTime', 'a valid Date when present');
  const subject = a.subject;
  if (!isObject(subject)) throw alertFieldError(a, index, 'subject', 'an object');
  for (const f of SUBJECT_STRINGS) {
    if (subject[f] !== undefined && typeof subject[f] !== 'string') throw alertFieldError(a, index, `subject.${f}`, 'a string');
  }
  for (const f of OPTIONAL_STRINGS) {
    if (a[f] !== undefined && typeof a[f] !== 'string') throw alertFieldError(a, index, f, 'a string when present');
  }
  if (a.investigationPriority !== undefined && !Number.isInteger(a.investigationPriority)) {
    throw alertFieldError(a, index, 'investigationPriority', 'an integer when present');
  }
  if (!isEntityList(a.entities)) throw alertFieldError(a, index, 'entities', 'an array of { type, fields }');
  if (!isStringRecord(a.details)) throw alertFieldError(a, index, 'details', 'an object of strings');
  if (a.target !== null && !(isObject(a.target) && typeof a.target.found === 'boolean')) {
    throw alertFieldError(a, index, 'target', 'null or an object with a boolean "found"');
  }
  if (!isObject(a.raw)) throw alertFieldError(a, index, 'raw', 'an object');
}

export function checkTargets(targets: unknown): asserts targets is DeliveryTarget[] {
  if (!Array.isArray(targets)) throw new StoreInputError('targets must be an array');
  targets.forEach((t: unknown, i) => {
    if (!isObject(t) || typeof t.platform !== 'string' || !PLATFORMS.has(t.platform)) {
      throw new StoreInputError(`target #${i + 1}: platform must be teams, slack or console`);
    }
    if (!nonEmpty(t.target)) throw new StoreInputError(`target #${i + 1}: target must be a non-empty string`);
  });
}

export function checkActor(a: unknown, where: string): asserts a is Actor {
  if (!isObject(a)) throw new StoreInputError(`${where}: actor must be an object`);
  if (typeof a.platform !== 'string' || !ACTOR_PLATFORMS.has(a.platform)) {
    throw new StoreInputError(`${where}: actor.platform must be one of ${[...ACTOR_PLATFORMS].join(', ')}`);
  }
  if (!nonEmpty(a.id)) throw new StoreInputError(`${where}: actor.id must be a non-empty string`);
  if (typeof a.displayName !== 'string') throw new StoreInputError(`${where}: actor.displayName must be a string`);
  if (a.email !== undefined && typeof a.email !== 'string') throw new StoreInputError(`${where}: actor.email must be a string`);
}

export function checkAudit(e: unknown): asserts e is AuditEntry {
  if (!isObject(e)) throw new StoreInputError('audit entry must be an object');
  if (!isValidDate(e.at)) throw new StoreInputError('audit entry: at must be a valid Date');
  checkActor(e.actor, 'audit entry');
  if (!nonEmpty(e.action)) throw new StoreInputError('audit entry: action must be a non-empty string');
  if (typeof e.outcome !== 'string' || !OUTCOMES.has(e.outcome)) {
    throw new StoreInputError('audit entry: outcome must be allowed, refused, noop or failed');
  }
  if (typeof e.origin !== 'string') throw new StoreInputError('audit entry: origin must be a string');
  if (e.alertId !== undefined && typeof e.alertId !== 'string') throw new StoreInputError('audit entry: alertId must be a string');
  if (e.detail !== undefined && typeof e.detail !== 'string') throw new StoreInputError('audit entry: detail must be a string');
}

export function checkLimit(limit: unknown, max = 1000): number {
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > max) {
    throw new StoreInputError(`limit must be an integer from 1 to ${max}, got ${String(limit)}`);
  }
  return limit as number;
}

export function checkId(id: unknown): number {
  if (!Number.isSafeInteger(id) || (id as number) < 1) throw new StoreInputError(`id must be a positive integer, got ${String(id)}`);
  return id as number;
}

/** JSON.stringify that reports which field could not be stored. */
export function toJson(value: unknown, what: string): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not a JSON value');
    return text;
  } catch (err) {
    throw new StoreInputError(`${what} cannot be stored as JSON: ${(err as Error).message}`);
  }
}

/** The storm threshold and mode; nothing is written when they are wrong. */
export function checkStormInput(input: unknown): { threshold: number; postIndividual: boolean } {
  if (!isObject(input)) throw new StoreInputError('summariseStorms needs an object');
  const { threshold, postIndividual, now, platforms, paceMs } = input;
  if (!Number.isSafeInteger(threshold) || (threshold as number) < 1)
    throw new StoreInputError(`threshold must be a positive integer, got ${String(threshold)}`);
  if (typeof postIndividual !== 'boolean') throw new StoreInputError('postIndividual must be true or false');
  if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
  if (!Array.isArray(platforms)) throw new StoreInputError('platforms must be an array');
  if (paceMs !== undefined && !(Number.isSafeInteger(paceMs) && (paceMs as number) >= 0))
    throw new StoreInputError('paceMs must be a non-negative integer');
  return { threshold: threshold as number, postIndividual };
}

/** Outbox claims: the claim time and the lease's end. */
/** Thread replies are one line; this only stops a flood. */
export const MAX_REPLY_LENGTH = 4000;

export function leaseWindow(now: unknown, leaseMs: unknown): { at: Date; until: Date } {
  if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
  if (!Number.isInteger(leaseMs) || (leaseMs as number) < 1) throw new StoreInputError('leaseMs must be a positive integer');
  return { at: now, until: new Date(now.getTime() + (leaseMs as number)) };
}

export function checkReplyText(text: unknown): asserts text is string {
  if (typeof text !== 'string' || text.trim().length === 0) throw new StoreInputError('reply text must be a non-empty string');
  if (text.length > MAX_REPLY_LENGTH) throw new StoreInputError(`reply text is longer than ${MAX_REPLY_LENGTH} characters`);
}

export function checkMessageRef(ref: unknown): asserts ref is MessageRef {
  const r = ref as Partial<MessageRef> | null;
  if (typeof ref !== 'object' || r === null || typeof r.messageId !== 'string' || r.messageId.length === 0) {
    throw new StoreInputError('message ref must be an object with a non-empty messageId');
  }
  if (r.platform !== 'teams' && r.platform !== 'slack' && r.platform !== 'console') {
    throw new StoreInputError('message ref platform must be teams, slack or console');
  }
  if (typeof r.target !== 'string') throw new StoreInputError('message ref target must be a string');
}

/** A target to fill in: an object with a boolean "found" and no "unavailable" (it is what enrichment found). */
export function checkFilledTarget(target: unknown): void {
  if (!isObject(target) || typeof target.found !== 'boolean') throw new StoreInputError('target must be an object with a boolean "found"');
  if (target.unavailable !== undefined) throw new StoreInputError('a filled target cannot be unavailable');
}

/** A fingerprint lookup: one detection id, and an array of fingerprint strings. */
export function checkFingerprintQuery(detectionId: unknown, fingerprints: unknown): void {
  if (!nonEmpty(detectionId)) throw new StoreInputError('detectionId must be a non-empty string');
  if (!Array.isArray(fingerprints) || fingerprints.some((f) => typeof f !== 'string')) {
    throw new StoreInputError('fingerprints must be an array of strings');
  }
}

/** Which workspaces a listing may show: a list of names, or undefined for all. */
export function checkWorkspaces(workspaces: unknown): string[] | undefined {
  if (workspaces === undefined) return undefined;
  if (!Array.isArray(workspaces) || workspaces.some((w) => typeof w !== 'string'))
    throw new StoreInputError('workspaces must be a list of names');
  return [...(workspaces as string[])];
}

/** A digest outcome, checked: what finishDigest writes. */
export type CheckedDigestOutcome =
  | { kind: 'posted'; ref: MessageRef }
  | { kind: 'waiting'; error: string }
  | { kind: 'retry'; error: string; retryAt: Date }
  | { kind: 'failed'; error: string };

/** finishDigest's `result`: posted (ref), parked (waiting: true), to retry (retryAt) or given up; errors kept to 2,000 characters. */
export function checkDigestOutcome(result: unknown): CheckedDigestOutcome {
  if (!isObject(result)) throw new StoreInputError('a digest outcome must be an object');
  if ('ref' in result) {
    checkMessageRef(result.ref);
    return { kind: 'posted', ref: result.ref };
  }
  const { waiting, retryAt } = result;
  const error = String(result.error).slice(0, 2000);
  if (waiting !== undefined && waiting !== true) throw new StoreInputError('waiting must be true when given');
  if (waiting === true) {
    if (retryAt !== undefined) throw new StoreInputError('a waiting digest has no retryAt: releaseWaiting makes it due');
    return { kind: 'waiting', error };
  }
  if (retryAt === undefined) return { kind: 'failed', error };
  if (!isValidDate(retryAt)) throw new StoreInputError('retryAt must be a valid Date');
  return { kind: 'retry', error, retryAt };
}
