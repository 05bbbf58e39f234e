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
  copy.teams.appPassword = hide(copy.teams.appPassword);
  copy.slack.botToken = hide(copy.slack.botToken);
  copy.slack.appToken = hide(copy.slack.appToken);
  copy.slack.signingSecret = hide(copy.slack.signingSecret);
  if (copy.storage.databaseUrl !== undefined) copy.storage.databaseUrl = maskUrlPassword(copy.storage.databaseUrl);
  return copy;
}
