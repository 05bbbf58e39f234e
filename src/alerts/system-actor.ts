import type { Actor } from './types';

/** FirstWatch acting on its own (auto-escalation): audited under platform 'system'. */
export const SYSTEM_ACTOR: Readonly<Actor> = Object.freeze({ platform: 'system', id: 'firstwatch', displayName: 'FirstWatch' });

export function isSystemActor(actor: Actor): boolean {
  return actor.platform === 'system' && actor.id === SYSTEM_ACTOR.id;
}
