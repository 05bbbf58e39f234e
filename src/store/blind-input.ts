import { StoreInputError } from './store';
import { isValidDate } from './validate';

/** Refuses a blind-spell write that could not be meant; nothing is written. */
export function checkBlindInput(workspace: string, detectionId: string, at?: Date, reason?: string): void {
  if (typeof workspace !== 'string' || workspace === '' || workspace.length > 200)
    throw new StoreInputError('workspace must be text of 1..200 characters');
  if (typeof detectionId !== 'string' || detectionId === '' || detectionId.length > 200)
    throw new StoreInputError('detection id must be text of 1..200 characters');
  if (at !== undefined && !isValidDate(at)) throw new StoreInputError('the time must be a valid Date');
  if (reason !== undefined && typeof reason !== 'string') throw new StoreInputError('the reason must be text');
}

/** Reasons are service messages: kept, but not without bound. */
export const MAX_BLIND_REASON = 1000;
