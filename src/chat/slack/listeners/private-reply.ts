import { classifySlackError } from '../errors';
import type { PrivateReplyTarget, SlackHandlerDeps } from './deps';

/**
 * Tells one person something only they see: chat.postEphemeral where the
 * interaction happened, else the interaction's response_url.
 */
export async function tellPrivately(
  deps: Pick<SlackHandlerDeps, 'client' | 'logger'>,
  target: PrivateReplyTarget,
  message: { text: string; blocks?: unknown[] },
): Promise<void> {
  if (target.channel !== undefined) {
    try {
      await deps.client.chat.postEphemeral({
        channel: target.channel,
        user: target.user,
        text: message.text,
        ...(message.blocks !== undefined ? { blocks: message.blocks as never } : {}),
        ...(target.threadTs !== undefined ? { thread_ts: target.threadTs } : {}),
      });
      return;
    } catch (err) {
      deps.logger.warn(
        { channel: target.channel, slackError: classifySlackError(err).code },
        'Slack: ephemeral reply failed; trying the response_url',
      );
    }
  }
  if (target.respond !== undefined) {
    try {
      await target.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: message.text,
        ...(message.blocks !== undefined ? { blocks: message.blocks as never } : {}),
      });
      return;
    } catch (err) {
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Slack: response_url reply failed');
    }
  }
  deps.logger.warn({ user: target.user, text: message.text }, 'Slack: could not deliver a private reply');
}
