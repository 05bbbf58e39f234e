import type { Activity, ConversationParameters } from '@microsoft/agents-activity';
import type { CloudAdapter, ConnectorClient } from '@microsoft/agents-hosting';
import { hosting } from './sdk';
import { toReference, type TeamsConversation } from './conversations';
import type { SendLimits, TeamsSender } from './sender';

/** A card or text message to send; `summary` is what notifications show for a card. */
export type OutgoingMessage = { card: object; summary?: string } | { text: string };

/** Where a new channel thread landed. */
export interface CreatedThread {
  /** The thread's conversation id ("<channel>;messageid=<id>"). */
  threadId: string;
  /** The root post's activity id. */
  messageId: string;
}

function toActivity(message: OutgoingMessage): Activity {
  const { CardFactory, MessageFactory } = hosting();
  if ('text' in message) return MessageFactory.text(message.text);
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(message.card));
  if (message.summary) activity.summary = message.summary;
  return activity;
}

/** The ";messageid=" part of a thread conversation id. */
export function messageIdOfThread(threadId: string): string | undefined {
  const m = /;messageid=([^;]+)$/.exec(threadId);
  return m ? m[1] : undefined;
}

function idOf(response: unknown): string | undefined {
  const id = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * Bot Connector calls made outside a turn (and, for pacing, inside one too):
 * each opens the conversation with `adapter.continueConversation`, which gives
 * a connector client signed in as the bot, and goes through the sender's
 * per-conversation queue and retries.
 */
export class ProactiveClient {
  constructor(
    private readonly adapter: CloudAdapter,
    /** The bot's app id; undefined in anonymous (local) mode. */
    private readonly appId: string | undefined,
    private readonly sender: TeamsSender,
  ) {}

  private identity(): Parameters<CloudAdapter['continueConversation']>[0] {
    // Anonymous continueConversation needs an (empty) identity object; '' is refused.
    return this.appId ?? {};
  }

  /** Runs `fn` with a connector client for `conversationId` of `c`. */
  async withConnector<T>(
    c: TeamsConversation,
    conversationId: string,
    fn: (client: ConnectorClient, reference: ReturnType<typeof toReference>) => Promise<T>,
  ): Promise<T> {
    const reference = toReference(c, conversationId);
    let result: { value: T } | undefined;
    // The adapter hands errors thrown in here to onTurnError and resolves; keep them for the caller.
    let failure: { error: unknown } | undefined;
    await this.adapter.continueConversation(this.identity(), reference, async (ctx) => {
      try {
        const client = ctx.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
        if (!client) throw new Error('the Agents SDK gave no connector client for this conversation');
        result = { value: await fn(client, reference) };
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
    if (!result) throw new Error('continueConversation returned without running');
    return result.value;
  }

  /** A new thread in a channel (Teams: POST /v3/conversations with channelData.channel.id). */
  async createThread(c: TeamsConversation, message: OutgoingMessage, what: string, limits?: SendLimits): Promise<CreatedThread> {
    return this.sender.run(
      c.conversationId,
      what,
      () =>
        this.withConnector(c, c.conversationId, async (client) => {
          const activity = toActivity(message);
          activity.channelId = c.channelId;
          activity.from = { ...c.agent };
          const params: ConversationParameters & { bot: { id: string; name?: string } } = {
            isGroup: true,
            // The REST API names the bot "bot"; the SDK's type calls it "agent".
            bot: { ...c.agent },
            agent: { ...c.agent },
            channelData: { channel: { id: c.conversationId }, ...(c.tenantId ? { tenant: { id: c.tenantId } } : {}) },
            activity,
            ...(c.tenantId ? { tenantId: c.tenantId } : {}),
          };
          const res: unknown = await client.createConversation(params);
          const threadId = idOf(res);
          const r = typeof res === 'object' && res !== null ? (res as { activityId?: unknown }) : {};
          const messageId =
            typeof r.activityId === 'string' && r.activityId.length > 0 ? r.activityId : threadId ? messageIdOfThread(threadId) : undefined;
          if (!threadId || !messageId)
            throw new Error(`Teams created the thread but returned no ids (${JSON.stringify(res).slice(0, 200)})`);
          return { threadId, messageId };
        }),
      { ...limits, creates: true },
    );
  }

  /** A message into a conversation or thread; returns its activity id. */
  async send(c: TeamsConversation, conversationId: string, message: OutgoingMessage, what: string, limits?: SendLimits): Promise<string> {
    return this.sender.run(
      conversationId,
      what,
      () =>
        this.withConnector(c, conversationId, async (client, reference) => {
          const activity = toActivity(message).applyConversationReference(reference);
          const res = await client.sendToConversation(conversationId, activity);
          const id = idOf(res);
          if (!id) throw new Error('Teams accepted the message but returned no id');
          return id;
        }),
      { ...limits, creates: true },
    );
  }

  /** Replaces a posted message (PUT /v3/conversations/{conversation}/activities/{id}). */
  async update(
    c: TeamsConversation,
    conversationId: string,
    messageId: string,
    message: OutgoingMessage,
    what: string,
    limits?: SendLimits,
  ): Promise<void> {
    await this.sender.run(
      conversationId,
      what,
      () =>
        this.withConnector(c, conversationId, async (client, reference) => {
          const activity = toActivity(message).applyConversationReference(reference);
          activity.id = messageId;
          delete activity.replyToId;
          await client.updateActivity(conversationId, messageId, activity);
        }),
      limits,
    );
  }

  /** GET /v3/teams/{team}/conversations: the channels of a team, with names (General has none). */
  async listChannels(c: TeamsConversation, teamId: string): Promise<{ id: string; name?: string }[]> {
    return this.sender.run(c.conversationId, `list the channels of team ${teamId}`, () =>
      this.withConnector(c, c.conversationId, async (client) => {
        const res = await client.httpClient.request<unknown>({
          method: 'get',
          url: `/v3/teams/${encodeURIComponent(teamId)}/conversations`,
        });
        const data = typeof res.data === 'object' && res.data !== null ? (res.data as { conversations?: unknown }) : {};
        const list = Array.isArray(data.conversations) ? data.conversations : [];
        const out: { id: string; name?: string }[] = [];
        for (const item of list) {
          const i = typeof item === 'object' && item !== null ? (item as { id?: unknown; name?: unknown }) : {};
          if (typeof i.id !== 'string' || i.id.length === 0) continue;
          out.push(typeof i.name === 'string' && i.name.length > 0 ? { id: i.id, name: i.name } : { id: i.id });
        }
        return out;
      }),
    );
  }
}
