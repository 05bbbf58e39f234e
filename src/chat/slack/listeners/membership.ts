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
    deps.platform.channelReady(event.channel);
    deps.logger.info({ channel: event.channel }, 'Slack: FirstWatch was added to a channel');
    if (membership.releaseWaiting === undefined) return;
    const count = await membership.releaseWaiting('slack', event.channel);
    if (count > 0) deps.logger.info({ channel: event.channel, count }, 'Slack: waiting alerts released for posting');
    membership.onReleased?.(event.channel, count);
  });
}
