import { Activity } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { Actor, Alert } from '../../alerts/types';
import type { CardContext } from '../../cards/context';
import type { Logger } from '../../logging/logger';
import type { CommandContext, CommandReply, HuntRunner } from '../../alerts/commands';
import type { CardOptions, PostedCopy } from '../../delivery/types';
import { actorFromSender, type MemberDirectory, type MemberSource } from './actor';
import type { BackgroundTasks } from './background';
import { conversationOf, type ConversationDirectory, type TeamsConversation } from './conversations';
import type { ProactiveClient } from './proactive';
import { hosting } from './sdk';
import { threadKey } from './sender';

/** The calls Teams makes on the CommandRouter. */
export interface TeamsCommandHandler {
  handleText(text: unknown, ctx: CommandContext): Promise<CommandReply>;
  handleAction(payload: unknown, ctx: CommandContext): Promise<CommandReply>;
}

/** What the turn handlers share. */
export interface TeamsTurnDeps {
  router: TeamsCommandHandler;
  proactive: ProactiveClient;
  conversations: ConversationDirectory;
  members: MemberDirectory;
  tasks: BackgroundTasks;
  logger: Logger;
  hunt?: HuntRunner;
  onTransition?: (alert: Alert) => void | Promise<void>;
  cardContext: (alert?: Alert) => CardContext;
  /** The alert card as the platform draws it, for a plain copy or (with options) an escalation copy. */
  renderAlert: (alert: Alert, options?: CardOptions) => object;
  /** Which outbox copy a clicked message is (see TeamsPlatformOptions.postedCopy). */
  postedCopy?: (alertId: string, messageId: string) => Promise<PostedCopy | undefined>;
  /** The app was installed in a conversation (see announceInstall). */
  onInstalled?: (conversation: TeamsConversation) => Promise<void>;
  /** A card action's answer must leave within Teams' 5 s; the router gets this long. */
  actionBudgetMs: number;
  connectorKey: symbol;
}

/** Where this turn happened, for replies outside it: its channel/chat and its thread's conversation id. */
export interface TurnPlace {
  conversation: TeamsConversation;
  /** The thread ("<channel>;messageid=…") or chat the activity came from. */
  threadId: string;
  origin: string;
}

export function placeOf(ctx: TurnContext): TurnPlace | undefined {
  const conversation = conversationOf(ctx.activity);
  const threadId = ctx.activity.conversation?.id;
  if (!conversation || !threadId) return undefined;
  return { conversation, threadId, origin: `teams:${threadKey(threadId)}` };
}

/** The clicker or sender, with their UPN when Teams will tell (see MemberDirectory). */
export async function actorOf(ctx: TurnContext, deps: TeamsTurnDeps): Promise<Actor | undefined> {
  const from = ctx.activity.from as (Record<string, unknown> & { id?: string }) | undefined;
  const carried = typeof from?.userPrincipalName === 'string' || typeof from?.email === 'string';
  const client = ctx.turnState.get<MemberSource | undefined>(deps.connectorKey);
  // In a channel, members are the team's (as TeamsInfo.getMember asks); elsewhere the chat's.
  const teamId = (ctx.activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  const where = typeof teamId === 'string' && teamId.length > 0 ? teamId : (ctx.activity.conversation?.id ?? '');
  const email = carried ? undefined : await deps.members.emailOf(client, where, from?.id);
  return actorFromSender(from, email);
}

export async function commandContext(ctx: TurnContext, deps: TeamsTurnDeps, place: TurnPlace): Promise<CommandContext | undefined> {
  const actor = await actorOf(ctx, deps);
  return actor ? { actor, origin: place.origin } : undefined;
}

const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';

/** Answers an Action.Execute invoke with a card that replaces the clicked one. */
export function answerWithCard(ctx: TurnContext, card: object): void {
  answer(ctx, { statusCode: 200, type: CARD, value: card });
}

/** Answers an Action.Execute invoke with a message shown under the card; the card stays as it was. */
export function answerWithMessage(ctx: TurnContext, text: string): void {
  answer(ctx, { statusCode: 200, type: MESSAGE, value: text.slice(0, 1000) });
}

/**
 * The invoke's HTTP answer, left where the adapter reads it once the turn
 * ends (what `sendActivity` does with an invokeResponse, without its copy of
 * the activity through the whole activity schema, zod, about 6 % of a click's
 * CPU in a 200-click burst). The SDK's only send hook, the typing timer, is off.
 */
function answer(ctx: TurnContext, body: { statusCode: number; type: string; value: unknown }): void {
  const activity = new Activity('invokeResponse');
  activity.value = { status: 200, body };
  ctx.turnState.set(hosting().INVOKE_RESPONSE_KEY, activity);
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
}

/** Tells the composition root a transition happened, so every copy of the card is redrawn. */
export function notifyTransition(deps: TeamsTurnDeps, alert: Alert): void {
  if (!deps.onTransition) return;
  try {
    const r = deps.onTransition(alert);
    if (r && typeof (r as Promise<void>).catch === 'function') {
      (r as Promise<void>).catch((err: unknown) =>
        deps.logger.warn({ alert: alert.id, err: errorText(err) }, 'Teams: onTransition failed'),
      );
    }
  } catch (err) {
    deps.logger.warn({ alert: alert.id, err: errorText(err) }, 'Teams: onTransition failed');
  }
}
