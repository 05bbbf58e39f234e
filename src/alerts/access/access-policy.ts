import {
  AllowListAuthorizer,
  notListed,
  type AccessRequest,
  type AuthorizationDecision,
  type Authorizer,
  type WorkspaceScope,
} from '../authorizer';
import type { Actor } from '../types';
import type { PlaceResolver } from './place';

export interface AccessPolicyOptions {
  /** People allowed in every workspace (RESPONDERS). */
  allow: readonly string[];
  /** RESPONDERS=channel-members: anyone acting from a configured channel, for that channel's workspaces. */
  channelMembers: boolean;
  /** Every workspace, with the people allowed in it alone (WORKSPACE_<NAME>_RESPONDERS). */
  workspaces: readonly { name: string; responders?: readonly string[] }[];
  places: PlaceResolver;
}

/**
 * Deny unless allowed: who (a list, or membership of a configured channel),
 * from where (a configured channel, a direct message, the CLI) and on which
 * workspace (the person's, narrowed to the channel's). Listed people may act
 * from a direct message or the CLI; channel membership counts only in the
 * channel; a channel nobody configured grants nothing to anyone.
 */
export class AccessPolicy implements Authorizer {
  private readonly everywhere: AllowListAuthorizer;
  private readonly perWorkspace: { name: string; list: AllowListAuthorizer }[];
  private readonly names: readonly string[];

  constructor(private readonly options: AccessPolicyOptions) {
    this.everywhere = new AllowListAuthorizer(options.allow);
    this.perWorkspace = options.workspaces.map((w) => ({ name: w.name, list: new AllowListAuthorizer(w.responders ?? []) }));
    this.names = options.workspaces.map((w) => w.name);
  }

  async scope(actor: Actor, origin: string): Promise<WorkspaceScope> {
    const place = await this.options.places(origin);
    const listed = this.everywhere.lists(actor) ? this.names : this.perWorkspace.filter((w) => w.list.lists(actor)).map((w) => w.name);
    switch (place.kind) {
      case 'elsewhere':
        return none(
          `${origin} is not a configured alert or escalation channel; act from one of those, or from a direct message if you are a listed responder`,
        );
      case 'direct':
      case 'local':
        if (listed.length === 0) {
          const where = place.kind === 'direct' ? 'direct messages are' : 'the command line is';
          return none(`${notListed(actor)}; ${where} open only to listed responders`);
        }
        return this.narrowed(listed, '');
      case 'channel': {
        const granted = this.options.channelMembers ? this.names : listed;
        if (granted.length === 0) return none(notListed(actor));
        const shown = granted.filter((w) => place.workspaces.includes(w));
        if (shown.length === 0) {
          return none(`this channel shows only ${list(place.workspaces)}, and ${actor.displayName} may act on ${list(granted)} only`);
        }
        return this.narrowed(shown, ` (this channel shows ${list(place.workspaces)})`);
      }
    }
  }

  async check(actor: Actor, request?: AccessRequest): Promise<AuthorizationDecision> {
    // Without an origin nothing says where the person is: nothing is granted.
    if (request === undefined) return { ok: false, reason: 'the request has no origin' };
    const scope = await this.scope(actor, request.origin);
    if (!scope.all && scope.workspaces.length === 0) return { ok: false, reason: scope.reason };
    const workspace = request.workspace;
    if (workspace === undefined || scope.all || scope.workspaces.includes(workspace)) return { ok: true };
    return { ok: false, reason: `${actor.displayName} may not act on workspace ${workspace} from here: ${scope.reason}` };
  }

  private narrowed(workspaces: readonly string[], why: string): WorkspaceScope {
    if (this.names.every((n) => workspaces.includes(n))) return { all: true };
    return { all: false, workspaces, reason: `allowed are ${list(workspaces)}${why}` };
  }
}

function none(reason: string): WorkspaceScope {
  return { all: false, workspaces: [], reason };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'no workspace' : `workspace${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
}
