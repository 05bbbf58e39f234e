import type { Config } from '../config';
import { maskUrlPassword } from '../config/sections/storage';
import { PROGRAM } from './usage';

export interface BannerInput {
  config: Config;
  /** The chat platforms' own lines (where the Playground is, which channels). */
  chat: readonly string[];
  /** Where the HTTP server listens. */
  url: string;
  /** Alerts not resolved, from earlier runs (their cards were printed then; the Playground gets them again). */
  open: number;
}

/**
 * What `start` prints once on stdout before the cards: where to look, where
 * state lives, and a command to try. Logs stay on stderr.
 */
export function startBanner(input: BannerInput): string {
  const { config } = input;
  const storage = config.storage;
  const state = storage.kind === 'sqlite' ? `SQLite database ${storage.sqlitePath}` : `PostgreSQL ${maskUrlPassword(storage.databaseUrl)}`;
  const local = config.workspaces.some((w) => w.mode === 'local') ? `; sample workspace in ${config.workspace.localDir}` : '';
  const lines = [
    `FirstWatch is running at ${input.url} (Ctrl+C stops it).`,
    ...input.chat.map((line) => `  ${line}`),
    `  State: ${state}${local}`,
    ...(input.open > 0
      ? [`  Open: ${input.open} alert${input.open === 1 ? '' : 's'} from earlier runs (${PROGRAM} alerts lists them)`]
      : []),
    `  Try: ${PROGRAM} alerts   ${PROGRAM} ack FW-1 --as you@contoso.com   ${PROGRAM} --help`,
  ];
  return lines.join('\n') + '\n\n';
}
