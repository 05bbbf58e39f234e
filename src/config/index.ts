export { loadConfig, type LoadConfigOptions } from './load';
export { redactConfig } from './redact';
export { ConfigError, type ConfigProblem } from './errors';
export { parseDuration, formatDuration } from '../time/duration';
export { readEnvFile } from './env-file';
export type * from './types';
export { isLocalEndpoint, workspaceVariablePrefix } from './sections/workspaces';
