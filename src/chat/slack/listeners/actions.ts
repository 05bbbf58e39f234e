import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import { parseSlackButton } from '../../../cards/blockkit/modals';
import { SLACK_IDS, slackActionId } from '../../../cards/blockkit/ids';
import { CARD_VERBS } from '../../../cards/payload';
import type { CardActionPayload, CardVerb } from '../../../alerts/commands';
import { IdentityError } from '../identity';
import { classifySlackError } from '../errors';
import type { SlackHandlerDeps } from './deps';
import { runHunt } from './hunt-flow';
import { answerAction } from './outcome';
import { tellPrivately } from './private-reply';

/** Card buttons: action_id fw_<verb>, value = the CardActionPayload as JSON. */
export const BUTTON_ACTION_IDS: Readonly<Record<CardVerb, string>> = Object.fromEntries(
  CARD_VERBS.map((v) => [v, slackActionId(v)]),
) as Record<CardVerb, string>;
const VERB_OF_ACTION_ID: ReadonlyMap<string, CardVerb> = new Map(
  (Object.entries(BUTTON_ACTION_IDS) as [CardVerb, string][]).map(([verb, actionId]) => [actionId, verb]),
);
/** Every action_id FirstWatch answers: the state buttons, and link buttons (fw_link_…), which need only an ack(). */
const OUR_ACTIONS = new RegExp(`^(?:${[...VERB_OF_ACTION_ID.keys()].join('|')}|${SLACK_IDS.linkActionPrefix}.*)$`);

export function registerActionListeners(app: App, deps: SlackHandlerDeps): void {
  // One listener for all of them: Bolt runs every registered listener's matching for every request.
  app.action<BlockButtonAction>(OUR_ACTIONS, async ({ ack, body, action, respond }) => {
    // Slack's 3 s budget: acknowledge before anything that can be slow.
    await ack();
    const verb = VERB_OF_ACTION_ID.get(action.action_id);
    // A link button: Slack opens its URL; the ack is all it needs.
    if (verb === undefined) return;
    await deps.tasks.afterWaitingIo(() => onButton(deps, verb, body, action, respond));
  });
}

async function onButton(
  deps: SlackHandlerDeps,
  verb: CardVerb,
  body: BlockButtonAction,
  action: unknown,
  respond: RespondFn,
): Promise<void> {
  const user = body.user.id;
  const channel = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : undefined);
  const messageTs = body.message?.ts ?? (typeof body.container.message_ts === 'string' ? body.container.message_ts : undefined);
  const target = { user, channel, respond };
  const log = deps.logger.child({ slackUser: user, channel, verb });
  try {
    const actor = await deps.identity.resolve(user);
    const parsed = parseSlackButton(action);
    if (!parsed.ok) {
      await tellPrivately(deps, target, { text: `:warning: That button could not be used: ${parsed.reason}.` });
      return;
    }
    const payload: CardActionPayload = parsed.payload;
    const ctx = { actor, origin: `slack:${channel ?? 'unknown'}` };

    if (verb === 'escalate' || verb === 'resolve') {
      if (deps.authorize !== undefined) {
        const auth = await deps.authorize(actor, ctx.origin, verb === 'resolve' ? 'resolve' : 'escalate', payload.alertId);
        if (!auth.ok) {
          await tellPrivately(deps, target, { text: `:no_entry: ${auth.message}` });
          return;
        }
      }
      const alert = deps.getAlert ? await deps.getAlert(payload.alertId) : undefined;
      const view = deps.buildModal({
        verb,
        alertId: payload.alertId,
        version: payload.version,
        ...(alert !== undefined ? { title: alert.title } : {}),
        ...(channel !== undefined ? { channel } : {}),
        ...(messageTs !== undefined ? { messageTs } : {}),
      });
      try {
        await deps.client.views.open({ trigger_id: body.trigger_id, view: view as never });
      } catch (err) {
        const code = classifySlackError(err).code;
        log.warn({ slackError: code }, 'Slack: could not open the modal');
        await tellPrivately(deps, target, {
          text: `:warning: The ${verb} form could not be opened (${code}). Use \`/${verb} ${payload.alertId}${verb === 'resolve' ? ' <tp|bp|fp>' : ''} [note]\` instead.`,
        });
      }
      return;
    }

    const reply = await deps.router.handleAction(payload, ctx);
    if (verb === 'hunt' && reply.kind === 'hunt') {
      if (channel === undefined || messageTs === undefined) {
        await runHunt(deps, reply.request, ctx, { kind: 'ephemeral', respond });
      } else {
        const threadTs = typeof body.container.thread_ts === 'string' ? body.container.thread_ts : messageTs;
        await runHunt(deps, reply.request, ctx, { kind: 'thread', channel, threadTs });
      }
      return;
    }
    await answerAction(deps, reply, actor, payload.version, target);
  } catch (err) {
    if (err instanceof IdentityError) {
      await tellPrivately(deps, target, { text: `:no_entry: ${err.message}` });
      return;
    }
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'Slack: button handling failed');
    await tellPrivately(deps, target, {
      text: ':x: FirstWatch could not complete that action; nothing was changed by this click. Try again in a moment.',
    });
  }
}
