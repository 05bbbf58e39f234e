import type { MessageRef } from '../../chat/platform';
import { StoreInputError } from '../store';
import { isValidDate } from '../validate';

/**
 * Checks the SQLite store keeps private to its module; the same rules and
 * wording, so both stores refuse the same input with the same message.
 */
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

export function checkNonEmpty(label: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v.length === 0) throw new StoreInputError(`${label} must be a non-empty string`);
}

/** SQLSTATE class 22 (data exception): a value PostgreSQL cannot hold, such as a NUL character in text. */
function isDataException(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22');
}

/** Reports a value PostgreSQL refused as input the store refuses; anything else passes through. */
export function asInputError(err: unknown): unknown {
  return isDataException(err) ? new StoreInputError(`PostgreSQL cannot store a value: ${err.message}`) : err;
}
