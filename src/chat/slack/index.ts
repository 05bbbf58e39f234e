export { createSlack, SlackConfigError, type Slack, type SlackDeps, type SlackOptions } from './create-slack';
export { SlackPlatform, ALERT_EVENT_TYPE, type SlackMessage, type SlackPlatformOptions } from './platform';
export { ChannelQueue, DEFAULT_QUEUE_OPTIONS, type ChannelQueueOptions } from './channel-queue';
export { classifySlackError, explainSetupProblem, type SlackFailure } from './errors';
export { SlackIdentity, IdentityError } from './identity';
export { SLASH_COMMANDS, type SlashCommandSpec } from './listeners/commands';
export { BUTTON_ACTION_IDS } from './listeners/actions';
export { MODAL_CALLBACK_IDS } from './listeners/views';
export type { SlackCommandRouter, HuntVisibility, AuthorizeFn } from './listeners/deps';
