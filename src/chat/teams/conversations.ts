import type { ConversationReference } from '@microsoft/agents-activity';
import type { Logger } from '../../logging/logger';
import type { ConversationRefRecord, ConversationStore } from '../../store/conversation-store';
import type { OutboxStore } from '../../store/outbox-store';
import { threadKey } from './sender';

/** The calls this module makes on the Store. */
export type TeamsRefStore = ConversationStore & Partial<Pick<OutboxStore, 'releaseWaiting'>>;

export type TeamsConversationKind = 'channel' | 'personal' | 'groupChat';

/** What FirstWatch keeps about a place it can post to (Store: platform 'teams', key = conversation id). */
export interface TeamsConversation {
  v: 1;
  kind: TeamsConversationKind;
  /** Channel id (no ";messageid=" suffix) or chat id. */
  conversationId: string;
  serviceUrl: string;
  /** Bot Framework channel, 'msteams'. */
  channelId: string;
  tenantId?: string;
  /** The bot as Teams addresses it. */
  agent: { id: string; name?: string };
  teamId?: string;
  teamName?: string;
  /** Channel name (Teams gives none for General; we call it General). */
  name: string;
}

export const GENERAL_CHANNEL_NAME = 'General';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Validates what the Store hands back; undefined when it is not one of ours. */
export function parseTeamsConversation(value: unknown): TeamsConversation | undefined {
  const v = obj(value);
  if (!v || v.v !== 1) return undefined;
  const kind = v.kind;
  if (kind !== 'channel' && kind !== 'personal' && kind !== 'groupChat') return undefined;
  const conversationId = str(v.conversationId);
  const serviceUrl = str(v.serviceUrl);
  const channelId = str(v.channelId);
  const agent = obj(v.agent);
  const agentId = str(agent?.id);
  const name = str(v.name);
  if (!conversationId || !serviceUrl || !channelId || !agentId || !name) return undefined;
  try {
    new URL(serviceUrl);
  } catch {
    return undefined;
  }
  const out: TeamsConversation = { v: 1, kind, conversationId, serviceUrl, channelId, agent: { id: agentId }, name };
  const agentName = str(agent?.name);
  if (agentName) out.agent.name = agentName;
  for (const k of ['tenantId', 'teamId', 'teamName'] as const) {
    const s = str(v[k]);
    if (s) out[k] = s;
  }
  return out;
}

/** The SDK reference for continueConversation, optionally aimed at one thread / message. */
export function toReference(c: TeamsConversation, conversationId: string = c.conversationId, activityId?: string): ConversationReference {
  return {
    channelId: c.channelId,
    serviceUrl: c.serviceUrl,
    agent: { ...c.agent },
    conversation: {
      id: conversationId,
      isGroup: c.kind !== 'personal',
      conversationType: c.kind,
      ...(c.tenantId ? { tenantId: c.tenantId } : {}),
    },
    ...(activityId ? { activityId } : {}),
  };
}

/** The slice of an incoming activity capture needs (validated, not trusted). */
export interface ActivityLike {
  type?: string;
  serviceUrl?: string;
  channelId?: string;
  conversation?: { id?: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  recipient?: { id?: string; name?: string };
  from?: { id?: string; name?: string };
  channelData?: unknown;
}

/** Reads where an activity came from into a TeamsConversation (its channel for channel messages). */
export function conversationOf(activity: ActivityLike): TeamsConversation | undefined {
  const serviceUrl = str(activity.serviceUrl);
  const rawId = str(activity.conversation?.id);
  const agentId = str(activity.recipient?.id);
  if (!serviceUrl || !rawId || !agentId) return undefined;
  const data = obj(activity.channelData);
  const team = obj(data?.team);
  const channel = obj(data?.channel);
  const tenantId = str(activity.conversation?.tenantId) ?? str(obj(data?.tenant)?.id);
  const type = activity.conversation?.conversationType;
  const channelId = str(activity.channelId) ?? 'msteams';
  const agent = { id: agentId, ...(str(activity.recipient?.name) ? { name: str(activity.recipient?.name) } : {}) };
  const base = { v: 1 as const, serviceUrl, channelId, agent, ...(tenantId ? { tenantId } : {}) };
  if (type === 'channel' || team) {
    const teamId = str(team?.id) ?? str(data?.teamsTeamId);
    const id = str(channel?.id) ?? str(data?.teamsChannelId) ?? threadKey(rawId);
    const given = str(channel?.name);
    const name = given ?? (teamId !== undefined && id === teamId ? GENERAL_CHANNEL_NAME : id);
    return {
      ...base,
      kind: 'channel',
      conversationId: threadKey(id),
      name,
      ...(teamId ? { teamId } : {}),
      ...(str(team?.name) ? { teamName: str(team?.name) } : {}),
    };
  }
  if (type === 'groupChat' || activity.conversation?.isGroup === true) {
    return {
      ...base,
      kind: 'groupChat',
      conversationId: rawId,
      name: str(activity.conversation?.name) ?? `Group chat ${rawId.slice(0, 12)}`,
    };
  }
  const who = str(activity.from?.name);
  return {
    ...base,
    kind: 'personal',
    conversationId: rawId,
    name: who ? `Personal chat with ${who}` : `Personal chat ${rawId.slice(0, 12)}`,
  };
}

/** A channel of a team, as GET /v3/teams/{id}/conversations lists it. */
export function channelOfTeam(team: TeamsConversation, channel: { id: string; name?: string }): TeamsConversation {
  const name = channel.name ?? (channel.id === team.teamId ? GENERAL_CHANNEL_NAME : channel.id);
  return { ...team, kind: 'channel', conversationId: threadKey(channel.id), name };
}

export type TargetLookup =
  { ok: true; conversation: TeamsConversation } | { ok: false; reason: 'unknown' | 'ambiguous' | 'invalid'; message: string };

/**
 * Where Teams posts can go: every channel or chat the bot was added to or
 * addressed in, kept in the Store so any replica (and a restart) can post.
 * Targets are a channel id, a channel name, or "Team/Channel".
 */
export class ConversationDirectory {
  /** Keys saved by this process, so each message does not rewrite the Store. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly store: TeamsRefStore,
    private readonly logger: Logger,
  ) {}

  /** Saves (or refreshes) a conversation; returns whether it was new or changed. */
  async remember(c: TeamsConversation): Promise<boolean> {
    const fingerprint = JSON.stringify(c);
    if (this.known.get(c.conversationId) === fingerprint) return false;
    const before = parseTeamsConversation((await this.store.getConversationRef('teams', c.conversationId))?.ref);
    // A message that carries no channel name must not erase the one a listing gave.
    const merged: TeamsConversation =
      before && before.conversationId === c.conversationId && c.name === c.conversationId ? { ...c, name: before.name } : c;
    this.known.set(c.conversationId, fingerprint);
    if (before && JSON.stringify(before) === JSON.stringify(merged)) return false;
    await this.store.saveConversationRef('teams', merged.conversationId, merged.name, merged);
    this.logger.info(
      { conversation: merged.conversationId, name: merged.name, team: merged.teamName, kind: merged.kind },
      before ? 'Teams: conversation reference updated' : 'Teams: conversation reference captured',
    );
    await this.release(merged);
    return true;
  }

  /** Deliveries parked because the bot was not there yet may go now. */
  private async release(c: TeamsConversation): Promise<void> {
    if (!this.store.releaseWaiting) return;
    const targets = new Set([c.conversationId, c.name, c.teamName ? `${c.teamName}/${c.name}` : c.name]);
    for (const target of targets) {
      const n = await this.store.releaseWaiting('teams', target);
      if (n > 0) this.logger.info({ target, deliveries: n }, 'Teams: waiting deliveries released');
    }
  }

  async lookup(target: string): Promise<TargetLookup> {
    const wanted = typeof target === 'string' ? target.trim() : '';
    if (wanted.length === 0 || wanted.length > 400)
      return { ok: false, reason: 'invalid', message: `"${String(target).slice(0, 60)}" is not a Teams channel id or name` };
    const key = threadKey(wanted);
    const direct = await this.store.getConversationRef('teams', key);
    if (direct && direct.key === key) return this.fromRecord(direct, wanted);
    const all = await this.store.listConversationRefs('teams');
    const lower = wanted.toLowerCase();
    const slash = lower.indexOf('/');
    const matches = all.filter((r) => {
      const c = parseTeamsConversation(r.ref);
      if (!c) return false;
      if (c.name.toLowerCase() === lower) return true;
      return slash > 0 && c.teamName !== undefined && `${c.teamName}/${c.name}`.toLowerCase() === lower;
    });
    if (matches.length === 1) return this.fromRecord(matches[0], wanted);
    if (matches.length > 1) {
      const where = matches.map((m) => `${parseTeamsConversation(m.ref)?.teamName ?? '?'}/${m.name} (${m.key})`).join(', ');
      return {
        ok: false,
        reason: 'ambiguous',
        message: `Teams channel ${wanted}: the name matches ${matches.length} channels (${where}); configure the channel id or "Team/Channel"`,
      };
    }
    return {
      ok: false,
      reason: 'unknown',
      message: `Teams channel ${wanted}: the bot has not been added there yet (add the FirstWatch app to the team, or @mention it in that channel)`,
    };
  }

  async list(): Promise<TeamsConversation[]> {
    const all = await this.store.listConversationRefs('teams');
    return all.map((r) => parseTeamsConversation(r.ref)).filter((c): c is TeamsConversation => c !== undefined);
  }

  private fromRecord(r: ConversationRefRecord, wanted: string): TargetLookup {
    const c = parseTeamsConversation(r.ref);
    if (!c)
      return {
        ok: false,
        reason: 'invalid',
        message: `Teams channel ${wanted}: the stored reference is not readable; remove and re-add the bot there`,
      };
    return { ok: true, conversation: c };
  }
}
