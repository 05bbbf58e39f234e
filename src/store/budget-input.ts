import { StoreInputError } from './store';
import { isValidDate } from './validate';

/** Refuses a budget request that could not be meant (bad key, limit, window or time). */
export function checkBudgetInput(key: string, limit: number, windowMs: number, now: Date): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 200)
    throw new StoreInputError('budget key must be text of 1..200 characters');
  if (!Number.isSafeInteger(limit) || limit < 1) throw new StoreInputError('budget limit must be a positive integer');
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new StoreInputError('budget window must be a positive integer of ms');
  if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
}

/** Refuses a windowed budget request that could not be meant. */
export function checkBudgetWindows(key: string, windows: readonly { limit: number; windowMs: number }[], now: Date): void {
  if (!Array.isArray(windows) || windows.length === 0 || windows.length > 8) throw new StoreInputError('a budget needs 1..8 windows');
  for (const w of windows) checkBudgetInput(key, w.limit, w.windowMs, now);
}
