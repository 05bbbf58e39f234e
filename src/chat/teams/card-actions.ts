import type { TurnContext } from '@microsoft/agents-hosting';
import { parseTeamsActionData } from '../../cards/adaptive/actions';
import type { CardActionPayload, CommandContext, CommandReply } from '../../alerts/commands';
import type { PostedCopy } from '../../delivery/types';
import { startHunt } from './hunts';
import {
  answerWithCard,
  answerWithMessage,
  commandContext,
  errorText,
  notifyTransition,
  placeOf,
  type TeamsTurnDeps,
  type TurnPlace,
} from './turn-deps';
import { TIMED_OUT, within } from '../../time/timeout';

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether an activity is an Action.Execute click (invoke "adaptiveCard/action"). */
export function isExecuteAction(ctx: TurnContext): boolean {
  return ctx.activity.type === 'invoke' && ctx.activity.name === 'adaptiveCard/action';
}

/** Whether an activity is an Action.Submit click: a message with no text whose value names a verb. */
export function isSubmitAction(ctx: TurnContext): boolean {
  const a = ctx.activity;
  return a.type === 'message' && !a.text && typeof obj(a.value)?.verb === 'string';
}

type Outcome =
  /** The card changed (this click or an earlier one): show the new one, drawn as the clicked copy is drawn. */
  | { kind: 'card'; card: object; reply: Extract<CommandReply, { kind: 'alert' }> }
  /** Nothing to redraw: tell the clicker why. */
  | { kind: 'message'; text: string }
  | { kind: 'hunt'; reply: Extract<CommandReply, { kind: 'hunt' }> };

function outcomeOf(reply: CommandReply, payload: CardActionPayload, copy: PostedCopy | undefined, deps: TeamsTurnDeps): Outcome {
  switch (reply.kind) {
    case 'alert':
      // A newer version than the card showed: redraw it (for everyone). Same version: a no-op, say so.
      if (reply.alert.version !== payload.version) return { kind: 'card', card: deps.renderAlert(reply.alert, copy?.options), reply };
      return { kind: 'message', text: reply.message ?? `${reply.alert.id} is unchanged.` };
    case 'error':
      return { kind: 'message', text: reply.message };
    case 'text':
      return { kind: 'message', text: reply.text };
    case 'hunt':
      return { kind: 'hunt', reply };
    default:
      return { kind: 'message', text: 'Done.' };
  }
}

interface Click {
  place: TurnPlace;
  payload: CardActionPayload;
  cmdCtx: CommandContext;
  /** The clicked card's activity id. */
  messageId?: string;
}

/** Validates a click; the string is what to tell the clicker when it cannot be used. */
async function readClick(ctx: TurnContext, deps: TeamsTurnDeps, data: unknown): Promise<Click | string> {
  const place = placeOf(ctx);
  if (!place) return 'This click came without a conversation, so FirstWatch cannot act on it.';
  const parsed = parseTeamsActionData(data);
  if (!parsed.ok) return `That button could not be used: ${parsed.reason}.`;
  const cmdCtx = await commandContext(ctx, deps, place);
  if (!cmdCtx) return 'Teams did not say who clicked, so FirstWatch cannot act on it.';
  const messageId = typeof ctx.activity.replyToId === 'string' && ctx.activity.replyToId.length > 0 ? ctx.activity.replyToId : undefined;
  return { place, payload: parsed.payload, cmdCtx, ...(messageId ? { messageId } : {}) };
}

/**
 * Which outbox copy the clicked message is; undefined for a message the outbox
 * does not keep (or when it cannot tell), which the click then redraws itself.
 */
async function postedCopyOf(deps: TeamsTurnDeps, click: Click): Promise<PostedCopy | undefined> {
  if (!deps.postedCopy || !click.messageId) return undefined;
  try {
    return await deps.postedCopy(click.payload.alertId, click.messageId);
  } catch (err) {
    deps.logger.warn(
      { err: errorText(err), alert: click.payload.alertId },
      'Teams: could not tell which copy was clicked; redrawing it from the click',
    );
    return undefined;
  }
}

async function route(deps: TeamsTurnDeps, click: Click): Promise<CommandReply> {
  try {
    return await deps.router.handleAction(click.payload, click.cmdCtx);
  } catch (err) {
    deps.logger.error({ err: errorText(err), alert: click.payload.alertId }, 'Teams: card action failed');
    return { kind: 'error', message: `That action failed: ${errorText(err)}` };
  }
}

/**
 * Redraws a clicked card that the outbox does not keep (a command's reply
 * card) for everyone; the outbox's copies are redrawn by the outbox alone.
 */
function redrawForEveryone(deps: TeamsTurnDeps, click: Click, copy: PostedCopy | undefined, card: object): void {
  const { messageId } = click;
  if (!messageId || copy !== undefined) return;
  deps.tasks.run(`redraw ${click.payload.alertId}`, () =>
    deps.proactive.update(click.place.conversation, click.place.threadId, messageId, { card }, `update card of ${click.payload.alertId}`),
  );
}

/** What happens after the answer: the outbox redraws every copy for everyone, hunts start. */
function afterAnswer(deps: TeamsTurnDeps, click: Click, copy: PostedCopy | undefined, outcome: Outcome, replyInThread: boolean): void {
  if (outcome.kind === 'card') {
    redrawForEveryone(deps, click, copy, outcome.card);
    notifyTransition(deps, outcome.reply.alert);
  } else if (outcome.kind === 'hunt') {
    deps.tasks.run(`hunt from ${click.payload.alertId}`, () => startHunt(deps, click.place, outcome.reply.request, click.cmdCtx));
  } else if (replyInThread) {
    deps.tasks.run(`reply about ${click.payload.alertId}`, async () => {
      await deps.proactive.send(
        click.place.conversation,
        click.place.threadId,
        { text: `⚠️ ${outcome.text}` },
        `reply about ${click.payload.alertId}`,
      );
    });
  }
}

function huntNotice(reply: Extract<CommandReply, { kind: 'hunt' }>): string {
  return `Hunting ${reply.request.upn}; the results will appear in this thread.`;
}

/**
 * Action.Execute: answered within the budget with the new card (replacing the
 * clicked one for the clicker; it is the card the outbox then draws there for
 * everyone, escalation intro included) or with a message under an unchanged
 * card (refused, no-op, hunt started). When the router is slow the clicker is
 * told so, and the card is redrawn when it finishes.
 */
export async function handleExecute(ctx: TurnContext, deps: TeamsTurnDeps): Promise<void> {
  const started = Date.now();
  const action = obj(obj(ctx.activity.value)?.action);
  if (action?.type !== 'Action.Execute') {
    answerWithMessage(ctx, 'FirstWatch only understands its own card buttons.');
    return;
  }
  const data = { ...(obj(action.data) ?? {}), ...(typeof action.verb === 'string' ? { verb: action.verb } : {}) };
  const click = await readClick(ctx, deps, data);
  if (typeof click === 'string') {
    answerWithMessage(ctx, click);
    return;
  }
  // Which copy was clicked does not depend on the action: look it up meanwhile.
  const work = Promise.all([route(deps, click), postedCopyOf(deps, click)]);
  // The member lookup already spent part of the budget.
  const answered = await within(work, Math.max(250, deps.actionBudgetMs - (Date.now() - started)));
  if (answered === TIMED_OUT) {
    answerWithMessage(ctx, 'Working on it; the card will update when it is done.');
    deps.tasks.run(`late answer for ${click.payload.alertId}`, async () => {
      const [reply, copy] = await work;
      afterAnswer(deps, click, copy, outcomeOf(reply, click.payload, copy, deps), true);
    });
    return;
  }
  const [reply, copy] = answered;
  const outcome = outcomeOf(reply, click.payload, copy, deps);
  if (outcome.kind === 'card') answerWithCard(ctx, outcome.card);
  else answerWithMessage(ctx, outcome.kind === 'hunt' ? huntNotice(outcome.reply) : outcome.text);
  afterAnswer(deps, click, copy, outcome, false);
}

/**
 * Action.Submit (clients without Universal Actions): a message whose value is
 * the flat button data. An outbox copy is redrawn by the outbox; any other
 * card is updated in place via replyToId; anything else is said in the thread.
 */
export async function handleSubmit(ctx: TurnContext, deps: TeamsTurnDeps): Promise<void> {
  const click = await readClick(ctx, deps, ctx.activity.value);
  if (typeof click === 'string') {
    const place = placeOf(ctx);
    if (place) await deps.proactive.send(place.conversation, place.threadId, { text: `⚠️ ${click}` }, 'submit reply');
    return;
  }
  const [reply, copy] = await Promise.all([route(deps, click), postedCopyOf(deps, click)]);
  const outcome = outcomeOf(reply, click.payload, copy, deps);
  if (outcome.kind === 'hunt') {
    await startHunt(deps, click.place, outcome.reply.request, click.cmdCtx);
    return;
  }
  if (outcome.kind === 'card' && click.messageId) {
    if (copy === undefined) {
      await deps.proactive.update(
        click.place.conversation,
        click.place.threadId,
        click.messageId,
        { card: outcome.card },
        `update card of ${click.payload.alertId}`,
      );
    }
    notifyTransition(deps, outcome.reply.alert);
    return;
  }
  afterAnswer(deps, click, copy, outcome, true);
}
