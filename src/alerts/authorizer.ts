import type { Actor } from './types';

export type AuthorizationDecision = { ok: true } | { ok: false; reason: string };

/** What a person asks to do, from where, on which workspace. */
export interface AccessRequest {
  /** "slack:C123", "slack:D123", "teams:<conversation id>", "cli". */
  origin: string;
  /** The workspace whose alerts or data the request touches; absent: who and where only. */
  workspace?: string;
}

/** The workspaces one person may see from one place: all of them, or these (possibly none, with why). */
export type WorkspaceScope = { all: true } | { all: false; workspaces: readonly string[]; reason: string };

/** Decides whether a person may act through FirstWatch. */
export interface Authorizer {
  check(actor: Actor, request?: AccessRequest): AuthorizationDecision | Promise<AuthorizationDecision>;
  /** Which workspaces `actor` may list and hunt from `origin`; absent: all of them whenever check allows. */
  scope?(actor: Actor, origin: string): WorkspaceScope | Promise<WorkspaceScope>;
}

const PLATFORM_PREFIX = /^(teams|slack|console|cli|system):(.+)$/;

/**
 * Allow-list entries are an email/UPN ("alex@contoso.com"), a platform id
 * ("slack:U123", "teams:<aad object id>", "cli:alex"), or a bare user id
 * ("U123"), which matches that id on any platform. All compare
 * case-insensitively. An empty list lets everyone in (the embedded demo and
 * tests; configured deployments go through AccessPolicy, which never does).
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

  /** True when the actor is on the list (an empty list holds no one). */
  lists(actor: Actor): boolean {
    if (this.ids.has(`${actor.platform}:${actor.id}`.toLowerCase()) || this.bareIds.has(actor.id.toLowerCase())) return true;
    const email = actor.email?.trim().toLowerCase();
    return email !== undefined && email.length > 0 && this.emails.has(email);
  }

  check(actor: Actor): AuthorizationDecision {
    if (this.size === 0 || this.lists(actor)) return { ok: true };
    return { ok: false, reason: notListed(actor) };
  }
}

/** Why a person is not on a list, naming what was compared. */
export function notListed(actor: Actor): string {
  const email = actor.email?.trim().toLowerCase();
  const who = `${actor.displayName} (${actor.platform}:${actor.id}${email ? `, ${email}` : ''})`;
  // Says what to change, so the person refused knows what to ask an admin for.
  return email
    ? `${who} is not on the FirstWatch allow-list (an admin adds ${email} to RESPONDERS and restarts FirstWatch)`
    : `${who} has no email address FirstWatch can see and is not on the allow-list by id (an admin adds ${actor.platform}:${actor.id} to RESPONDERS and restarts FirstWatch)`;
}
