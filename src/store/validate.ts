import type { Actor, AuditEntry, NewAlert } from '../alerts/types';
import { StoreInputError, type DeliveryTarget } from './store';

const SEVERITIES = new Set(['Informational', 'Low', 'Medium', 'High']);
const PLATFORMS = new Set(['teams', 'slack', 'console']);
const ACTOR_PLATFORMS = new Set(['teams', 'slack', 'console', 'cli', 'system']);
const OUTCOMES = new Set(['allowed', 'refused', 'noop', 'failed']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function isValidDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Throws StoreInputError naming the first field that is wrong. */
export function checkNewAlert(a: unknown, index: number): asserts a is NewAlert {
  const where = `alert #${index + 1}`;
  if (!isObject(a)) throw new StoreInputError(`${where} is not an object`);
  const fail = (field: string, want: string): never => {
    throw new StoreInputError(`${where} (${String(a.fingerprint)}): ${field} must be ${want}`);
  };
  for (const f of ['detectionId', 'detectionName', 'title', 'fingerprint', 'workspace'] as const) {
    if (!nonEmpty(a[f])) fail(f, 'a non-empty string');
  }
  if (typeof a.severity !== 'string' || !SEVERITIES.has(a.severity)) fail('severity', 'Informational, Low, Medium or High');
  if (!isStringArray(a.tactics)) fail('tactics', 'an array of strings');
  if (!isStringArray(a.techniques)) fail('techniques', 'an array of strings');
  if (!isStringArray(a.insights)) fail('insights', 'an array of strings');
  if (!isValidDate(a.eventTime)) fail('eventTime', 'a valid Date');
  if (!isObject(a.subject)) fail('subject', 'an object');
  const subject = a.subject as Record<string, unknown>;
  for (const f of ['upn', 'displayName', 'aadObjectId']) {
    if (subject[f] !== undefined && typeof subject[f] !== 'string') fail(`subject.${f}`, 'a string');
  }
  for (const f of ['description', 'action', 'sourceIp', 'sourceLocation']) {
    if (a[f] !== undefined && typeof a[f] !== 'string') fail(f, 'a string when present');
  }
  if (a.investigationPriority !== undefined && !Number.isInteger(a.investigationPriority)) {
    fail('investigationPriority', 'an integer when present');
  }
  if (!Array.isArray(a.entities) || !a.entities.every((e) => isObject(e) && typeof e.type === 'string' && isObject(e.fields))) {
    fail('entities', 'an array of { type, fields }');
  }
  if (!isObject(a.details) || !Object.values(a.details).every((v) => typeof v === 'string')) {
    fail('details', 'an object of strings');
  }
  if (a.target !== null && !(isObject(a.target) && typeof a.target.found === 'boolean')) {
    fail('target', 'null or an object with a boolean "found"');
  }
  if (!isObject(a.raw)) fail('raw', 'an object');
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
