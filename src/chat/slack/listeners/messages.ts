import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { CommandContext } from '../../../alerts/commands';
import { IdentityError } from '../identity';
import type { SlackHandlerDeps } from './deps';
import { runHunt } from './hunt-flow';

/** "<@U0FWBOT> ack FW-3" → "ack FW-3". */
export function stripMentions(text: string): string {
  return text
    .replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Mentions in channels and direct messages are text commands, answered in the thread / DM. */
export function registerMessageListeners(app: App, deps: SlackHandlerDeps): void {
  app.event('app_mention', async ({ event }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs) => {
    const user = event.user;
    if (user === undefined) return;
    await deps.tasks.afterWaitingIo(() => onText(deps, user, event.channel, event.thread_ts ?? event.ts, event.text));
  });
  app.message(async ({ message }) => {
    // Only plain messages people type to the bot in its DM; channel chatter is not for FirstWatch.
    if (message.channel_type !== 'im' || message.subtype !== undefined) return;
    if ('bot_id' in message && message.bot_id !== undefined) return;
    const text = typeof message.text === 'string' ? message.text : '';
    await deps.tasks.afterWaitingIo(() => onText(deps, message.user, message.channel, undefined, text));
  });
}

async function onText(deps: SlackHandlerDeps, user: string, channel: string, threadTs: string | undefined, raw: string): Promise<void> {
  const say = async (text: string, blocks?: unknown[]): Promise<void> => {
    await deps.platform.postMessage(channel, {
      text,
      ...(blocks !== undefined ? { blocks } : {}),
      ...(threadTs !== undefined ? { threadTs } : {}),
    });
  };
  try {
    const actor = await deps.identity.resolve(user);
    const ctx: CommandContext = { actor, origin: `slack:${channel}` };
    const reply = await deps.router.handleText(stripMentions(raw), ctx);
    if (reply.kind === 'hunt') {
      await runHunt(
        deps,
        reply.request,
        ctx,
        threadTs !== undefined ? { kind: 'thread', channel, threadTs } : { kind: 'channel', channel },
      );
      return;
    }
    if (reply.kind === 'alert') deps.onTransition?.(reply.alert);
    const rendered = deps.renderReply(reply);
    await say(rendered.text, rendered.blocks);
  } catch (err) {
    if (err instanceof IdentityError) {
      await say(`:no_entry: ${err.message}`).catch(() => undefined);
      return;
    }
    deps.logger.error({ err: err instanceof Error ? err.message : String(err), channel }, 'Slack: message command failed');
    await say(':x: FirstWatch could not complete that command; nothing was changed.').catch(() => undefined);
  }
}
