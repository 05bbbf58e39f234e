import { StoreInputError } from '../store';

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
