export { TeamsPlatform, type TeamsPlatformOptions } from './platform';
export { resolveTeamsAuth, isLoopbackAddress, TeamsSetupError } from './auth';
export { startPlayground, playgroundInstalled } from './playground';
export { ThreadRateLimiter } from './rate-limiter';
export { commandText } from './mentions';
export { HUNT_NOT_CONFIGURED } from './hunts';
export type { TeamsCommandHandler } from './turn-deps';
