export { loadConfig, type LoadConfigOptions } from './load';
export { redactConfig } from './redact';
export { ConfigError } from './errors';
export { parseDuration, formatDuration } from '../time/duration';
export type * from './types';
export { isLocalEndpoint, workspaceVariablePrefix } from './sections/workspaces';
