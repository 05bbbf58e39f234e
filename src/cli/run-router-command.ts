import type { Actor } from '../alerts/types';
import type { App } from '../app/build';
import { commandReplyText, huntText } from '../cards';
import type { Command } from '../chat/router/command';
import { PROGRAM } from './usage';

/**
 * Runs one responder command through the same router as Slack and Teams, as
 * the person named by --as (every action is attributable, from the CLI too).
 */
export async function runRouterCommand(app: App, command: Command, as: string | undefined, out: NodeJS.WritableStream): Promise<number> {
  const actor: Actor = {
    platform: 'cli',
    id: as ?? process.env.USER ?? 'cli',
    displayName: as ?? process.env.USER ?? 'cli',
    ...(as !== undefined ? { email: as } : {}),
  };
  const ctx = { actor, origin: 'cli' };
  const reply = await app.router.handleCommand(command, ctx);
  if (reply.kind === 'hunt') {
    try {
      const report = await app.hunt.run(reply.request, ctx);
      out.write(huntText(report) + '\n');
      return 0;
    } catch (err) {
      out.write(`Hunt failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  out.write(commandReplyText(reply, { now: app.clock() }) + '\n');
  if (reply.kind === 'error' && reply.message.startsWith('Not allowed:')) out.write(refusalHint(as) + '\n');
  return reply.kind === 'error' ? 1 : 0;
}

/** Who may act is RESPONDERS: say how to add the person who was refused. */
function refusalHint(as: string | undefined): string {
  const who = as ?? 'their email address';
  return `Who may act is RESPONDERS (emails, comma-separated, in the environment or ./.env): add ${who} to it and restart FirstWatch (${PROGRAM} start).`;
}
