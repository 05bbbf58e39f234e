import { randomUUID } from 'node:crypto';

/** Activities shaped as Microsoft Teams sends them to a bot. */

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT = { id: '28:0b3c6b2e-firstwatch', name: 'FirstWatch' };
/** In Teams the General channel's id is the team's id. */
export const TEAM = { id: '19:secops-general@thread.tacv2', name: 'SecOps' };
export const ALERTS = { id: '19:secops-alerts@thread.tacv2', name: 'Alerts' };

export interface Person {
  id: string;
  name: string;
  aadObjectId: string;
  upn: string;
}

export const alex: Person = { id: '29:1alex', name: 'Alex Wilber', aadObjectId: 'aad-alex', upn: 'alexw@contoso.com' };
export const bea: Person = { id: '29:1bea', name: 'Bea Lopez', aadObjectId: 'aad-bea', upn: 'bea@contoso.com' };
export const mallory: Person = { id: '29:1mallory', name: 'Mallory', aadObjectId: 'aad-mallory', upn: 'mallory@contoso.com' };

type Activity = Record<string, unknown>;

function envelope(
  serviceUrl: string,
  conversation: Record<string, unknown>,
  from: Record<string, unknown>,
  channelData: Record<string, unknown>,
): Activity {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: { ...BOT },
    conversation: { tenantId: TENANT, ...conversation },
    channelData: { tenant: { id: TENANT }, ...channelData },
    locale: 'en-US',
  };
}

function channelConversation(channelId: string, messageId?: string): Record<string, unknown> {
  return { id: messageId ? `${channelId};messageid=${messageId}` : channelId, conversationType: 'channel', isGroup: true };
}

function user(p: Person): Record<string, unknown> {
  return { id: p.id, name: p.name, aadObjectId: p.aadObjectId };
}

/** The bot installed in a team (conversationUpdate, teamMemberAdded). */
export function botAddedToTeam(serviceUrl: string, by: Person = alex): Activity {
  return {
    ...envelope(serviceUrl, channelConversation(TEAM.id), user(by), { eventType: 'teamMemberAdded', team: { ...TEAM } }),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
  };
}

/** A new channel post that @mentions the bot. */
export function channelMention(serviceUrl: string, channel: { id: string }, from: Person, text: string): Activity {
  const messageId = String(Date.now());
  return {
    ...envelope(serviceUrl, channelConversation(channel.id, messageId), user(from), { team: { id: TEAM.id }, channel: { id: channel.id } }),
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { ...BOT } }],
  };
}

export function personalMessage(serviceUrl: string, from: Person, text: string, chatId = `a:personal-${from.aadObjectId}`): Activity {
  return {
    ...envelope(serviceUrl, { id: chatId, conversationType: 'personal' }, user(from), {}),
    type: 'message',
    text,
    textFormat: 'plain',
  };
}

/** A click on an Action.Execute button of the card `replyToId` in thread `threadId`. */
export function executeClick(
  serviceUrl: string,
  threadId: string,
  replyToId: string,
  from: Person,
  verb: string,
  data: Record<string, unknown>,
): Activity {
  const channelId = threadId.split(';')[0];
  return {
    ...envelope(serviceUrl, { id: threadId, conversationType: 'channel', isGroup: true }, user(from), {
      team: { id: TEAM.id },
      channel: { id: channelId },
      source: { name: 'message' },
    }),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data } },
  };
}

/** A click on the Action.Submit fallback: a message whose value is the flat data. */
export function submitClick(
  serviceUrl: string,
  threadId: string,
  replyToId: string,
  from: Person,
  data: Record<string, unknown>,
): Activity {
  const channelId = threadId.split(';')[0];
  return {
    ...envelope(serviceUrl, { id: threadId, conversationType: 'channel', isGroup: true }, user(from), {
      team: { id: TEAM.id },
      channel: { id: channelId },
    }),
    type: 'message',
    replyToId,
    value: data,
  };
}

export interface Answer {
  status: number;
  body: unknown;
}

/** POSTs an activity to the bot as the Teams service would. */
export async function send(endpoint: string, activity: Activity, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body };
}

/** The same POST as plain data, serialised now, for a load-generating thread to send. */
export function prepareActivity(
  endpoint: string,
  activity: Activity,
  headers: Record<string, string> = {},
): { url: string; headers: Record<string, string>; body: string } {
  return { url: endpoint, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) };
}

/** The card or message an invoke was answered with. */
export function invokeAnswer(answer: Answer): { type: string; value: unknown } {
  const b = answer.body as { type?: unknown; value?: unknown } | undefined;
  if (!b || typeof b.type !== 'string') throw new Error(`not an invoke answer: ${JSON.stringify(answer)}`);
  return { type: b.type, value: b.value };
}

/** All the text in an Adaptive Card (TextBlocks, facts, TextRuns), for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      for (const key of ['text', 'title', 'value']) if (typeof o[key] === 'string') out.push(o[key] as string);
      for (const child of Object.values(o)) if (typeof child === 'object') walk(child);
    }
  };
  walk(card);
  return out.join('\n');
}

/** The Adaptive Card inside an activity the bot sent. */
export function cardOf(activity: Record<string, unknown> | undefined): unknown {
  const attachments = activity?.attachments as { contentType?: string; content?: unknown }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
