import type { Actor } from './types';

export type AuthorizationDecision = { ok: true } | { ok: false; reason: string };

/** Decides whether a person may act through FirstWatch. */
export interface Authorizer {
  check(actor: Actor): AuthorizationDecision;
}

const PLATFORM_PREFIX = /^(teams|slack|console|cli|system):(.+)$/;

/**
 * Allow-list entries are an email/UPN ("alex@contoso.com"), a platform id
 * ("slack:U123", "teams:<aad object id>", "cli:alex"), or a bare user id
 * ("U123"), which matches that id on any platform. All compare
 * case-insensitively. An empty list lets everyone in.
 */
export class AllowListAuthorizer implements Authorizer {
  private readonly emails = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly bareIds = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry.length === 0) continue;
      if (entry.includes('@')) this.emails.add(entry);
      else if (PLATFORM_PREFIX.test(entry)) this.ids.add(entry);
      else this.bareIds.add(entry);
    }
  }

  get size(): number {
    return this.emails.size + this.ids.size + this.bareIds.size;
  }

  check(actor: Actor): AuthorizationDecision {
    if (this.size === 0) return { ok: true };
    if (this.ids.has(`${actor.platform}:${actor.id}`.toLowerCase()) || this.bareIds.has(actor.id.toLowerCase())) return { ok: true };
    const email = actor.email?.trim().toLowerCase();
    if (email && this.emails.has(email)) return { ok: true };
    const who = `${actor.displayName} (${actor.platform}:${actor.id}${email ? `, ${email}` : ''})`;
    return {
      ok: false,
      reason: email
        ? `${who} is not on the FirstWatch allow-list`
        : `${who} has no email address FirstWatch can see and is not on the allow-list by id`,
    };
  }
}
