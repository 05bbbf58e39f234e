import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackHandlerDeps } from './deps';

export interface MembershipDeps {
  /** Store.releaseWaiting: deliveries parked on "not in channel" become due again. */
  releaseWaiting?: (platform: 'slack', target: string) => Promise<number>;
  onReleased?: (channel: string, count: number) => void;
}

/** When someone invites the bot into a channel, the alerts that waited for it go out. */
export function registerMembershipListeners(app: App, deps: SlackHandlerDeps, membership: MembershipDeps): void {
  app.event('member_joined_channel', async ({ event, context }: SlackEventMiddlewareArgs<'member_joined_channel'> & AllMiddlewareArgs) => {
    if (context.botUserId === undefined || event.user !== context.botUserId) return;
    await deps.tasks.afterWaitingIo(() => onJoined(deps, membership, event.channel));
  });
}

async function onJoined(deps: SlackHandlerDeps, membership: MembershipDeps, channel: string): Promise<void> {
  try {
    deps.platform.channelReady(channel);
    deps.logger.info({ channel }, 'Slack: FirstWatch was added to a channel');
    if (membership.releaseWaiting === undefined) return;
    const count = await membership.releaseWaiting('slack', channel);
    if (count > 0) deps.logger.info({ channel, count }, 'Slack: waiting alerts released for posting');
    membership.onReleased?.(channel, count);
  } catch (err) {
    deps.logger.error(
      { channel, err: err instanceof Error ? err.message : String(err) },
      'Slack: could not release the alerts waiting for a channel',
    );
  }
}
