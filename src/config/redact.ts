import { maskUrlPassword } from './sections/storage';
import type { Config, ConfigShape } from './types';

const HIDDEN = '***';

function hide(value: string | undefined): string | undefined {
  return value === undefined ? undefined : HIDDEN;
}

/** A copy safe to print or log: every secret replaced by "***", the database password masked. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config) as ConfigShape;
  copy.azure.clientSecret = hide(copy.azure.clientSecret);
  copy.server.metricsToken = hide(copy.server.metricsToken);
  if (copy.teams.mode === 'bot') copy.teams.appPassword = HIDDEN;
  switch (copy.slack.mode) {
    case 'socket':
      copy.slack.appToken = HIDDEN;
      copy.slack.botToken = HIDDEN;
      break;
    case 'http':
      copy.slack.signingSecret = HIDDEN;
      copy.slack.botToken = HIDDEN;
      break;
    case 'off':
      break;
  }
  if (copy.storage.kind === 'postgres') copy.storage.databaseUrl = maskUrlPassword(copy.storage.databaseUrl);
  return copy;
}
