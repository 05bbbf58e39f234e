import type { Alert } from '../alerts/types';
import type { TeamsConversation } from '../chat/teams/conversations';
import type { CardOptions, MessageRef } from '../delivery/types';
import type { Logger } from '../logging/logger';
import type { Delivery } from '../store/outbox-store';
import type { Store } from '../store/store';

/** The most open alerts posted again into one conversation. */
const REPOST_LIMIT = 200;

export interface RepostDeps {
  store: Pick<Store, 'listAlerts' | 'listDeliveries' | 'markPosted'>;
  teams: {
    conversations: { lookup(target: string): Promise<{ ok: true; conversation: TeamsConversation } | { ok: false }> };
    postAlert(target: string, alert: Alert, options?: CardOptions): Promise<MessageRef>;
  };
  /** How the outbox draws the copy it posted as messageId (an escalation copy differs). */
  postedCopy(alertId: string, messageId: string): Promise<{ options?: CardOptions } | undefined>;
  logger: Logger;
}

/** The installed conversation, or every channel of the installed team. */
export function inConversation(installed: TeamsConversation): (target: TeamsConversation) => boolean {
  return (target) =>
    target.conversationId === installed.conversationId ||
    (installed.kind === 'channel' && installed.teamId !== undefined && target.teamId === installed.teamId);
}

/**
 * For conversations that show nothing of what was posted before (a new Agents
 * Playground keeps no messages; a reload of it starts empty): every alert that
 * is not resolved and whose Teams card went to a conversation `where` selects
 * is posted again, oldest first, and the outbox's copy now points at the new
 * message, so later changes redraw it. Resolved alerts are not posted again.
 * Returns how many cards were posted. `collected` runs once the copies to post
 * again are known and before any is posted: a copy posted after it (the
 * dispatcher, into a conversation just opened) is not posted twice.
 */
export async function repostOpenAlerts(
  deps: RepostDeps,
  where: (target: TeamsConversation) => boolean,
  collected: () => void = () => undefined,
): Promise<number> {
  const open = await deps.store.listAlerts({ status: 'open', limit: REPOST_LIMIT });
  const inHere = new Map<string, boolean>();
  const isHere = async (target: string): Promise<boolean> => {
    let here = inHere.get(target);
    if (here === undefined) {
      const found = await deps.teams.conversations.lookup(target);
      here = found.ok && where(found.conversation);
      inHere.set(target, here);
    }
    return here;
  };
  const again: { alert: Alert; copy: Delivery & { ref: MessageRef } }[] = [];
  for (const alert of [...open].reverse()) {
    for (const copy of await deps.store.listDeliveries(alert.id)) {
      if (copy.platform !== 'teams' || copy.state !== 'posted' || copy.ref === undefined || !(await isHere(copy.target))) continue;
      again.push({ alert, copy: { ...copy, ref: copy.ref } });
    }
  }
  collected();
  for (const { alert, copy } of again) {
    const drawn = await deps.postedCopy(alert.id, copy.ref.messageId);
    const ref = await deps.teams.postAlert(copy.target, alert, drawn?.options);
    await deps.store.markPosted(copy.id, ref, alert.version);
  }
  if (again.length > 0) deps.logger.info({ cards: again.length }, 'Teams: open alerts posted again');
  return again.length;
}
