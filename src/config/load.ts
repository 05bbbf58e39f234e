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
import { readIncidents } from './sections/incidents';
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
  const file = opts.envFile === false ? undefined : readEnvFile(opts.envFile ?? '.env', opts.envFile !== undefined);
  const r = new EnvReader(mergeEnv(env, file));

  const server = readServer(r);
  const teams = readTeams(r, server.nodeEnv);
  const slack = readSlack(r);
  const workspace = readWorkspace(r);
  const storage = readStorage(r);
  // A section left undefined was asked for but is invalid; it counts as on, as asked, for the checks that depend on it.
  const slackOn = slack?.mode !== 'off';
  const teamsOn = teams?.mode !== 'off';
  const teamsBot = teams === undefined || teams.mode === 'bot';
  const workspaces = readWorkspaces(r, workspace, { slackEnabled: slackOn, teamsEnabled: teamsOn });
  const rest = {
    azure: readAzure(r),
    schedule: readSchedule(r),
    console: readConsole(r, slackOn || teamsBot),
    responders: readResponders(r, {
      realChat: slackOn || (teams !== undefined && teams.mode === 'bot'),
      workspaceLists: workspaces.some((w) => w.responders !== undefined && w.responders.length > 0),
    }),
    hunt: readHunt(r),
    logging: readLogging(r),
    escalation: readEscalation(r),
    incidents: readIncidents(r, workspaces, r.isSet('WORKSPACES')),
  };
  // Every section that can be undefined has recorded its problem, so this throws whenever one is.
  if (r.problems.length > 0 || teams === undefined || slack === undefined || workspace === undefined || storage === undefined) {
    throw new ConfigError(r.problems);
  }
  const shape: ConfigShape = { ...rest, workspace, workspaces, storage, server, teams, slack };
  return deepFreeze(shape);
}
