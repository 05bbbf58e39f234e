import { commandReplyCard } from '../../cards/adaptive/reply-card';
import { huntPendingCard } from '../../cards/adaptive/hunt-pending';
import { huntCard } from '../../cards';
import type { CommandContext, HuntRequest } from '../../alerts/commands';
import { errorText, type TeamsTurnDeps, type TurnPlace } from './turn-deps';

export const HUNT_NOT_CONFIGURED = 'Hunting is not configured on this FirstWatch (no Log Analytics workspace to search).';

/**
 * Posts "Hunting …" in the thread at once, then runs the hunt in the
 * background and replaces that message with the result (or the error).
 * Resolves once the "Hunting …" message is out.
 */
export async function startHunt(deps: TeamsTurnDeps, place: TurnPlace, request: HuntRequest, ctx: CommandContext): Promise<void> {
  const { conversation, threadId } = place;
  const runner = deps.hunt;
  if (!runner) {
    await deps.proactive.send(conversation, threadId, { text: HUNT_NOT_CONFIGURED }, 'hunt reply');
    return;
  }
  const pending = huntPendingCard(request.upn, {
    lookbackMs: request.lookbackMs,
    ...(request.alertId ? { alertId: request.alertId } : {}),
  });
  const messageId = await deps.proactive.send(
    conversation,
    threadId,
    { card: pending, summary: `Hunting ${request.upn}…` },
    `hunt ${request.upn}`,
  );
  deps.tasks.run(`hunt ${request.upn}`, async () => {
    let card: object;
    try {
      const report = await runner.run(request, ctx);
      card = huntCard(report, deps.cardContext().now);
    } catch (err) {
      deps.logger.warn({ upn: request.upn, err: errorText(err) }, 'Teams: hunt failed');
      card = commandReplyCard({ kind: 'error', message: `The hunt for ${request.upn} failed: ${errorText(err)}` }, deps.cardContext());
    }
    await deps.proactive.update(conversation, threadId, messageId, { card, summary: `Hunt: ${request.upn}` }, `hunt result ${request.upn}`);
  });
}
