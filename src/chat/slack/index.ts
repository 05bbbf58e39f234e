export { createSlack, type Slack, type SlackOptions } from './create-slack';
export { SlackPlatform, type SlackMessage } from './platform';
export { SLASH_COMMANDS } from './listeners/commands';
