import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { CommandContext, CommandReply } from '../../../alerts/commands';
import { IdentityError } from '../identity';
import type { SlackHandlerDeps } from './deps';
import { runHunt } from './hunt-flow';

export interface SlashCommandSpec {
  command: string;
  description: string;
  usageHint: string;
  /** The router command the text is prefixed with; '' passes the text through (/firstwatch). */
  routerVerb: string;
}

/** Every slash command FirstWatch answers; manifests/slack/manifest.yml declares exactly these. */
export const SLASH_COMMANDS: readonly SlashCommandSpec[] = [
  {
    command: '/hunt',
    description: "Hunt one account's activity across the workspace",
    usageHint: '<upn> [lookback, e.g. 7d]',
    routerVerb: 'hunt',
  },
  { command: '/ack', description: 'Acknowledge an alert', usageHint: '<alert id>', routerVerb: 'ack' },
  { command: '/escalate', description: 'Escalate an alert', usageHint: '<alert id> [note]', routerVerb: 'escalate' },
  { command: '/resolve', description: 'Resolve an alert', usageHint: '<alert id> <tp|bp|fp> [note]', routerVerb: 'resolve' },
  { command: '/alerts', description: 'List open (or all) alerts', usageHint: '[open|all]', routerVerb: 'alerts' },
  {
    command: '/firstwatch',
    description: 'Any FirstWatch command (try "help")',
    usageHint: '<command> — e.g. help, alert FW-12, reopen FW-12',
    routerVerb: '',
  },
];

const SPEC_OF_COMMAND: ReadonlyMap<string, SlashCommandSpec> = new Map(SLASH_COMMANDS.map((spec) => [spec.command, spec]));
const OUR_COMMANDS = new RegExp(`^(?:${SLASH_COMMANDS.map((spec) => spec.command).join('|')})$`);

export function registerCommandListeners(app: App, deps: SlackHandlerDeps): void {
  // One listener for all of them: Bolt runs every registered listener's matching for every request.
  app.command(OUR_COMMANDS, async ({ ack, command, respond }) => {
    await ack();
    const spec = SPEC_OF_COMMAND.get(command.command);
    if (spec === undefined) return;
    await deps.tasks.afterWaitingIo(() => onCommand(deps, spec, command, respond));
  });
}

async function onCommand(deps: SlackHandlerDeps, spec: SlashCommandSpec, command: SlashCommand, respond: RespondFn): Promise<void> {
  const text = spec.routerVerb === '' ? command.text : `${spec.routerVerb} ${command.text}`;
  try {
    const actor = await deps.identity.resolve(command.user_id);
    const ctx: CommandContext = { actor, origin: `slack:${command.channel_id}` };
    const reply = await deps.router.handleText(text, ctx);
    await answerCommand(deps, reply, ctx, command.channel_id, respond);
  } catch (err) {
    if (err instanceof IdentityError) {
      await respond({ response_type: 'ephemeral', text: `:no_entry: ${err.message}` }).catch(() => undefined);
      return;
    }
    deps.logger.error({ err: err instanceof Error ? err.message : String(err), command: spec.command }, 'Slack: command failed');
    await respond({
      response_type: 'ephemeral',
      text: ':x: FirstWatch could not complete that command; nothing was changed. Try again in a moment.',
    }).catch(() => undefined);
  }
}

async function answerCommand(
  deps: SlackHandlerDeps,
  reply: CommandReply,
  ctx: CommandContext,
  channel: string,
  respond: RespondFn,
): Promise<void> {
  if (reply.kind === 'hunt') {
    const place =
      deps.huntVisibility === 'in_channel' ? ({ kind: 'channel', channel, respond } as const) : ({ kind: 'ephemeral', respond } as const);
    await runHunt(deps, reply.request, ctx, place);
    return;
  }
  if (reply.kind === 'alert') deps.onTransition?.(reply.alert);
  const rendered = deps.renderReply(reply);
  await respond({
    response_type: 'ephemeral',
    text: rendered.text,
    ...(rendered.blocks !== undefined ? { blocks: rendered.blocks as never } : {}),
  });
}
