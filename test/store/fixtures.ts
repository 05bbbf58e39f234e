import type { Actor } from '../../src/alerts/types';

export function person(name: string, email?: string, platform: Actor['platform'] = 'slack'): Actor {
  const actor: Actor = { platform, id: `U${name.toUpperCase()}`, displayName: name };
  if (email !== undefined) actor.email = email;
  return actor;
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(private t = Date.UTC(2026, 10, 27, 14, 2, 0)) {}
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}
