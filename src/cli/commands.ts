import type { Actor } from '../alerts/types';
import { commandReplyText } from '../cards';
import { huntText } from '../cards';
import type { App } from '../app/build';
import { UsageError, type ParsedArgs } from './args';

/** The router commands the CLI exposes, and whether they change state (and so need --as). */
export const ROUTER_COMMANDS: Readonly<Record<string, { writes: boolean }>> = {
  ack: { writes: true },
  acknowledge: { writes: true },
  escalate: { writes: true },
  resolve: { writes: true },
  reopen: { writes: true },
  alerts: { writes: false },
  alert: { writes: false },
  hunt: { writes: false },
};

/**
 * Runs one responder command through the same router as Slack and Teams, as
 * the person named by --as (every action is attributable, from the CLI too).
 */
export async function runRouterCommand(app: App, args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const [verb, ...rest] = args.words;
  if (verb === undefined) throw new UsageError('no command given');
  const spec = ROUTER_COMMANDS[verb];
  if (spec === undefined) throw new UsageError(`unknown command '${verb}'`);
  const as = args.flags.get('as') ?? process.env.FIRSTWATCH_USER;
  if (spec.writes && as === undefined) {
    throw new UsageError(`'${verb}' changes an alert: say who you are with --as you@contoso.com (every action is attributable)`);
  }
  const actor: Actor = {
    platform: 'cli',
    id: as ?? process.env.USER ?? 'cli',
    displayName: as ?? process.env.USER ?? 'cli',
    ...(as !== undefined ? { email: as } : {}),
  };
  const words = [verb, ...rest];
  // Flags are the long form of the positional words: resolve FW-3 --classification fp --note "…".
  const classification = args.flags.get('classification');
  if (classification !== undefined) words.push(classification);
  const note = args.flags.get('note');
  if (note !== undefined) words.push(note);
  const lookback = args.flags.get('lookback');
  if (lookback !== undefined) words.push(lookback);
  const ctx = { actor, origin: 'cli' };
  const reply = await app.router.handleText(words.join(' '), ctx);
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
  return reply.kind === 'error' ? 1 : 0;
}
