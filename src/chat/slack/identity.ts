import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../alerts/types';
import { classifySlackError } from './errors';

/** A person FirstWatch could not identify; the message says why, for the person. */
export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

export interface SlackIdentityOptions {
  /** How long a looked-up person is trusted (renames and email changes show up after this). */
  ttlMs?: number;
  maxEntries?: number;
  clock?: () => number;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined;
}

/** Turns a Slack user id into an Actor (users.info), with a short cache. */
export class SlackIdentity {
  private readonly cache = new Map<string, { actor: Actor; expires: number }>();
  private readonly inflight = new Map<string, Promise<Actor>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(
    private readonly client: WebClient,
    options: SlackIdentityOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
    this.clock = options.clock ?? Date.now;
  }

  async resolve(userId: unknown): Promise<Actor> {
    if (typeof userId !== 'string' || !USER_ID.test(userId)) {
      throw new IdentityError('FirstWatch could not tell who you are: the request carried no valid Slack user id.');
    }
    const hit = this.cache.get(userId);
    if (hit !== undefined && hit.expires > this.clock()) return { ...hit.actor };
    const pending = this.inflight.get(userId);
    if (pending !== undefined) return { ...(await pending) };
    const lookup = this.lookup(userId).finally(() => this.inflight.delete(userId));
    this.inflight.set(userId, lookup);
    return { ...(await lookup) };
  }

  private async lookup(userId: string): Promise<Actor> {
    let res: unknown;
    try {
      res = await this.client.users.info({ user: userId });
    } catch (err) {
      const f = classifySlackError(err);
      const hint = f.code === 'missing_scope' ? ' (the app needs the users:read scope)' : '';
      throw new IdentityError(`FirstWatch could not look you up in Slack (${f.code}${hint}), so it cannot act for you.`);
    }
    const user = record(record(res)?.user);
    if (user === undefined) throw new IdentityError('FirstWatch could not look you up in Slack (users.info returned no user).');
    if (user.deleted === true) throw new IdentityError('Your Slack account is deactivated; FirstWatch does not act for it.');
    const profile = record(user.profile);
    const actor: Actor = {
      platform: 'slack',
      id: userId,
      displayName: text(user.real_name) ?? text(profile?.real_name) ?? text(profile?.display_name) ?? text(user.name) ?? userId,
    };
    const email = text(profile?.email);
    if (email !== undefined) actor.email = email;
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(userId, { actor, expires: this.clock() + this.ttlMs });
    return actor;
  }
}
