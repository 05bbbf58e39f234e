import type { TurnContext } from '@microsoft/agents-hosting';
import { channelOfTeam, conversationOf } from './conversations';
import { errorText, type TeamsTurnDeps } from './turn-deps';

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** installationUpdate "add…", or a conversationUpdate that adds the bot itself. */
export function isBotAdded(ctx: TurnContext): boolean {
  const a = ctx.activity;
  if (a.type === 'installationUpdate') return typeof a.action === 'string' && a.action.startsWith('add');
  if (a.type !== 'conversationUpdate') return false;
  const me = a.recipient?.id;
  return Array.isArray(a.membersAdded) && a.membersAdded.some((m) => m?.id !== undefined && m.id === me);
}

/**
 * Remembers where the activity came from (any activity: being added, being
 * @mentioned, a button click), so alerts can be posted there later.
 */
export async function captureConversation(ctx: TurnContext, deps: TeamsTurnDeps): Promise<void> {
  const c = conversationOf(ctx.activity);
  if (!c) return;
  try {
    await deps.conversations.remember(c);
  } catch (err) {
    deps.logger.error({ conversation: c.conversationId, err: errorText(err) }, 'Teams: could not store the conversation reference');
  }
}

/**
 * When the bot joins a team: every channel of the team is stored with its
 * name (the activity names only the team), so a target can be "Announcements"
 * as well as its id. Runs in the background; the channel the event came from
 * is already stored by captureConversation.
 */
export function learnTeamChannels(ctx: TurnContext, deps: TeamsTurnDeps): void {
  const c = conversationOf(ctx.activity);
  const eventType = obj(ctx.activity.channelData)?.eventType;
  if (!c || c.kind !== 'channel' || !c.teamId) return;
  if (!isBotAdded(ctx) && eventType !== 'channelCreated' && eventType !== 'channelRenamed' && eventType !== 'teamRenamed') return;
  const teamId = c.teamId;
  deps.tasks.run(`list channels of ${teamId}`, async () => {
    const channels = await deps.proactive.listChannels(c, teamId);
    for (const ch of channels) await deps.conversations.remember(channelOfTeam(c, ch));
    deps.logger.info({ team: c.teamName ?? teamId, channels: channels.length }, 'Teams: channels of the team stored');
  });
}

/**
 * The app was installed (action "add", not an upgrade): the conversation may
 * start empty, as a new Agents Playground and a reload of it do, so the
 * composition root posts the open alerts into it again (onInstalled). One
 * installation sends installationUpdate and conversationUpdate: only the
 * first counts.
 */
export function announceInstall(ctx: TurnContext, deps: TeamsTurnDeps): void {
  const a = ctx.activity;
  if (deps.onInstalled === undefined || a.type !== 'installationUpdate' || a.action !== 'add') return;
  const c = conversationOf(a);
  if (!c) return;
  const onInstalled = deps.onInstalled;
  deps.tasks.run(`post the open alerts in ${c.name}`, () => onInstalled(c));
}

/** The bot was removed: say so (references are kept; a post there will fail with 'wait'). */
export function logRemoval(ctx: TurnContext, deps: TeamsTurnDeps): void {
  const a = ctx.activity;
  const removed =
    (a.type === 'installationUpdate' && typeof a.action === 'string' && a.action.startsWith('remove')) ||
    (a.type === 'conversationUpdate' && Array.isArray(a.membersRemoved) && a.membersRemoved.some((m) => m?.id === a.recipient?.id));
  if (removed) deps.logger.warn({ conversation: a.conversation?.id }, 'Teams: the bot was removed from a conversation');
}
