/** Slack mrkdwn escaping lives with the Block Kit renderer: one rule for cards, replies and messages. */
export { escapeMrkdwn } from '../../cards/blockkit/mrkdwn';
