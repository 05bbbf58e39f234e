import type { TurnContext } from '@microsoft/agents-hosting';
import { commandReplyCard } from '../../cards/adaptive/reply-card';
import type { CommandReply } from '../../alerts/commands';
import { startHunt } from './hunts';
import { commandText } from './mentions';
import type { OutgoingMessage } from './proactive';
import { commandContext, errorText, notifyTransition, placeOf, type TeamsTurnDeps } from './turn-deps';

/** Text and errors read best as plain messages; tables and alerts as cards. */
export function replyMessage(reply: CommandReply, deps: TeamsTurnDeps): OutgoingMessage {
  switch (reply.kind) {
    case 'text':
      return { text: reply.text };
    case 'error':
      return { text: `⚠️ ${reply.message}` };
    default:
      return {
        card: commandReplyCard(reply, deps.cardContext(reply.kind === 'alert' || reply.kind === 'alert-detail' ? reply.alert : undefined)),
      };
  }
}

/**
 * A message to the bot (a personal chat, or a channel post that @mentions
 * it): the mention is stripped and the rest goes to the CommandRouter; the
 * answer goes to the same chat or thread.
 */
export async function handleCommandMessage(ctx: TurnContext, deps: TeamsTurnDeps): Promise<void> {
  const place = placeOf(ctx);
  if (!place) {
    deps.logger.warn({ type: ctx.activity.type }, 'Teams: message without a conversation or service URL ignored');
    return;
  }
  const cmdCtx = await commandContext(ctx, deps, place);
  if (!cmdCtx) {
    await deps.proactive.send(
      place.conversation,
      place.threadId,
      { text: '⚠️ Teams did not say who sent this message, so FirstWatch cannot act on it.' },
      'command reply',
    );
    return;
  }
  const text = commandText(ctx.activity.text);
  let reply: CommandReply;
  try {
    reply = await deps.router.handleText(text, cmdCtx);
  } catch (err) {
    deps.logger.error({ err: errorText(err), origin: place.origin }, 'Teams: command failed');
    reply = { kind: 'error', message: `That command failed: ${errorText(err)}` };
  }
  if (reply.kind === 'hunt') {
    await startHunt(deps, place, reply.request, cmdCtx);
    return;
  }
  await deps.proactive.send(place.conversation, place.threadId, replyMessage(reply, deps), `reply to "${text.slice(0, 40)}"`);
  // Only ack/escalate/resolve/reopen answer with kind 'alert'; a redraw of the other copies is harmless when nothing changed.
  if (reply.kind === 'alert') notifyTransition(deps, reply.alert);
}
