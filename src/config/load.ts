import { ConfigError } from './errors';
import { mergeEnv, readEnvFile } from './env-file';
import { EnvReader, type Env } from './reader';
import { readAzure, readWorkspace } from './sections/azure';
import { readSchedule } from './sections/schedule';
import { readStorage } from './sections/storage';
import { readServer } from './sections/server';
import { readTeams } from './sections/teams';
import { readSlack } from './sections/slack';
import { readWorkspaces } from './sections/workspaces';
import { readConsole, readHunt, readLogging, readResponders } from './sections/misc';
import { readEscalation } from './sections/escalation';
import type { Config, ConfigShape } from './types';

export interface LoadConfigOptions {
  /**
   * A dotenv file whose values fill in variables the environment lacks.
   * Default: `.env` in the working directory, ignored when absent. A path given
   * here must exist. `false`: read no file.
   */
  envFile?: string | false;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

/** Reads, validates and freezes the configuration; throws ConfigError listing every problem on one line. */
export function loadConfig(env: Env = process.env, opts: LoadConfigOptions = {}): Config {
  const file =
    opts.envFile === false ? undefined : readEnvFile(opts.envFile ?? '.env', opts.envFile !== undefined);
  const r = new EnvReader(mergeEnv(env, file));

  const server = readServer(r);
  const teams = readTeams(r, server.nodeEnv);
  const slack = readSlack(r);
  const workspace = readWorkspace(r);
  const shape: ConfigShape = {
    azure: readAzure(r),
    workspace,
    workspaces: readWorkspaces(r, workspace, { slackEnabled: slack.enabled, teamsEnabled: teams.mode !== 'off' }),
    schedule: readSchedule(r),
    storage: readStorage(r),
    server,
    teams,
    slack,
    console: readConsole(r, slack.enabled || teams.mode === 'bot'),
    responders: readResponders(r),
    hunt: readHunt(r),
    logging: readLogging(r),
    escalation: readEscalation(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return deepFreeze(shape);
}
