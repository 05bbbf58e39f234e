import type { AzureConfig, WorkspaceConfig } from './sections/azure';
import type { ScheduleConfig } from './sections/schedule';
import type { WorkspaceEntry } from './sections/workspaces';
import type { StorageConfig } from './sections/storage';
import type { ServerConfig } from './sections/server';
import type { TeamsConfig } from './sections/teams';
import type { SlackConfig } from './sections/slack';
import type { ConsoleConfig, HuntConfig, LoggingConfig, RespondersConfig } from './sections/misc';
import type { EscalationConfig } from './sections/escalation';
import type { IncidentsConfig } from './sections/incidents';

export type { AzureConfig, WorkspaceConfig } from './sections/azure';
export type { ScheduleConfig } from './sections/schedule';
export type { WorkspaceEntry } from './sections/workspaces';
export type { StorageConfig } from './sections/storage';
export type { ServerConfig } from './sections/server';
export type { TeamsConfig } from './sections/teams';
export type { SlackConfig } from './sections/slack';
export type { ConsoleConfig, HuntConfig, LoggingConfig, RespondersConfig } from './sections/misc';
export type { EscalationConfig } from './sections/escalation';
export type { IncidentsConfig } from './sections/incidents';

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export interface ConfigShape {
  azure: AzureConfig;
  workspace: WorkspaceConfig;
  /** Every workspace queried, with its own chat targets; one entry built from `workspace` when WORKSPACES is unset. */
  workspaces: WorkspaceEntry[];
  schedule: ScheduleConfig;
  storage: StorageConfig;
  server: ServerConfig;
  teams: TeamsConfig;
  slack: SlackConfig;
  console: ConsoleConfig;
  responders: RespondersConfig;
  hunt: HuntConfig;
  logging: LoggingConfig;
  /** Escalation destinations, mentions and auto-escalation. */
  escalation: EscalationConfig;
  /** Sentinel incidents as a source, per workspace, and the write-back of chat decisions to them. */
  incidents: IncidentsConfig;
}

/** The whole configuration, validated and deeply frozen. */
export type Config = DeepReadonly<ConfigShape>;
