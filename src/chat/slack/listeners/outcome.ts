import type { Actor } from '../../../alerts/types';
import type { CommandReply } from '../../../alerts/commands';
import type { PrivateReplyTarget, SlackHandlerDeps } from './deps';
import { tellPrivately } from './private-reply';

/**
 * What a button or modal produced, for the person who clicked. A transition
 * wakes the dispatcher (which re-renders every copy of the card and posts the
 * thread reply); anything that changed nothing is explained privately, and
 * the card is left as it is.
 */
export async function answerAction(
  deps: SlackHandlerDeps,
  reply: CommandReply,
  actor: Actor,
  shownVersion: number,
  target: PrivateReplyTarget,
): Promise<void> {
  if (reply.kind === 'alert') {
    deps.onTransition?.(reply.alert);
    const changedByThisClick =
      reply.alert.version > shownVersion &&
      reply.alert.lastChange?.actor.platform === 'slack' &&
      reply.alert.lastChange.actor.id === actor.id;
    if (changedByThisClick) return;
  }
  await tellPrivately(deps, target, deps.renderReply(reply));
}
