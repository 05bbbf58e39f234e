import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { ConfigError, loadConfig, type Config, type LoadConfigOptions } from '../config';
import type { Env } from '../config/reader';
import { silentLogger } from '../logging/logger';
import type { Store } from '../store';
import { checkBlindSpells, checkDetections, checkSchedules } from './detections';
import { messageOf } from './format';
import { checkSlack } from './slack';
import { checkStore } from './store';
import { checkTeams, DEFAULT_AUTHORITY } from './teams';
import type { CheckResult, DoctorOptions } from './types';
import { checkWorkspaces } from './workspaces';
import { checkSentinelRole } from './sentinel-role';
import { checkWorkspaceProgress } from './workspace-progress';
import { systemClock } from '../time/clock';

/** Every check of a loaded configuration against the services it names, in the order an operator fixes them. */
export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const logger = options.logger ?? silentLogger();
  let credential: TokenCredential | undefined = options.credential;
  const lazyCredential = (): TokenCredential => (credential ??= new DefaultAzureCredential());

  const results: CheckResult[] = [
    {
      check: 'configuration',
      verdict: 'ok',
      detail: `valid; ${config.workspaces.length} workspace(s): ${config.workspaces.map((w) => w.name).join(', ')}`,
    },
  ];
  const detections = checkDetections(config);
  results.push(...detections.results);
  results.push(...checkSchedules(config, detections.detections));
  const opened = await checkStore(config);
  results.push(opened.result);
  const store: Store | undefined = opened.store;
  try {
    results.push(...(await checkBlindSpells(detections.detections, store, clock())));
    results.push(...(await checkWorkspaces(config, detections.detections, { clock, credential: lazyCredential, timeoutMs, logger })));
    results.push(...(await checkSentinelRole(config, { credential: lazyCredential, timeoutMs, logger })));
    results.push(...(await checkWorkspaceProgress(config, detections.detections, store, { clock, timeoutMs })));
    results.push(...(await checkSlack(config, timeoutMs)));
    results.push(...(await checkTeams(config, store, options.teamsAuthority ?? DEFAULT_AUTHORITY, timeoutMs)));
  } finally {
    await store?.close().catch(() => undefined);
  }
  return results;
}

/** The configuration's own problems, one FAIL line each (nothing else can be checked until they are fixed). */
export function configProblems(err: ConfigError): CheckResult[] {
  return err.problems.map((p) => ({
    check: `config ${p.variable}`,
    verdict: 'FAIL' as const,
    detail: p.message,
    fix: `correct ${p.variable} in the environment or .env (see .env.example)`,
  }));
}

/** Loads the configuration and checks it; configuration errors are reported as lines, not thrown. */
export async function runDoctorFromEnv(env: Env, loadOptions: LoadConfigOptions = {}, options: DoctorOptions = {}): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env, loadOptions);
  } catch (err) {
    if (err instanceof ConfigError) return configProblems(err);
    return [{ check: 'configuration', verdict: 'FAIL', detail: messageOf(err) }];
  }
  return runDoctor(config, options);
}
