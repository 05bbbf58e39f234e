import type { Logger } from '../logging/logger';
import { ensureSampleWorkspace, generateWorkspace, serveWorkspace, type WorkspaceServer } from '../workspace';

/** Sample data older than this is generated again, relative to now (same seed, so the same record ids). */
const FRESH_FOR_MS = 60 * 60_000;

/**
 * The embedded default: the sample workspace on disk, served on loopback.
 * Regenerating keeps each SourceRecordId, so alerts already raised stay deduplicated.
 */
export async function startLocalWorkspace(
  dir: string,
  port: number,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Promise<WorkspaceServer> {
  const ensured = await ensureSampleWorkspace(dir);
  const age = clock().getTime() - Date.parse(ensured.manifest.now);
  if (ensured.generated) {
    logger.info({ dir }, 'generated the sample workspace');
  } else if (!(age < FRESH_FOR_MS)) {
    await generateWorkspace({ dir, seed: ensured.manifest.seed, now: clock() });
    logger.info({ dir }, 'refreshed the sample workspace relative to now');
  }
  const server = await serveWorkspace({ dir, port });
  logger.info({ url: server.url }, 'local workspace serving the Log Analytics query API');
  return server;
}
