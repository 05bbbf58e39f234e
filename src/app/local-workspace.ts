import type { Logger } from '../logging/logger';
import { startWorkspaceThread, type WorkspaceThread } from '../workspace';

/** Sample data older than this is generated again, relative to now (same seed, so the same record ids). */
const FRESH_FOR_MS = 60 * 60_000;

/**
 * The embedded default: the sample workspace on disk (or the user's own tables,
 * which are never written), served on loopback from its own thread. Resolves once it listens; the tables load meanwhile and the
 * first queries wait for them. Regenerating keeps each SourceRecordId, so
 * alerts already raised stay deduplicated.
 */
export async function startLocalWorkspace(
  dir: string,
  port: number,
  logger: Logger,
  options: { readOnly?: boolean } = {},
): Promise<WorkspaceThread> {
  const thread = await startWorkspaceThread({
    dir,
    port,
    freshForMs: FRESH_FOR_MS,
    readOnly: options.readOnly,
    onEvent: (event) => {
      if (event.kind === 'loaded') logger.info({ ms: Math.round(event.ms) }, 'local workspace tables loaded');
      if (event.kind === 'load-failed')
        logger.error(
          { dir, reason: event.message },
          'the local workspace could not load its tables; queries to it fail until it is fixed and restarted',
        );
      if (event.kind === 'exited')
        logger.error({ code: event.code }, 'the local workspace thread stopped; queries to it fail until restart');
    },
  });
  if (thread.prepared === 'generated') logger.info({ dir }, 'generated the sample workspace');
  if (thread.prepared === 'refreshed') logger.info({ dir }, 'refreshed the sample workspace relative to now');
  if (thread.prepared === 'user-data')
    logger.info({ dir }, 'the local workspace folder holds tables FirstWatch did not make: served as they are, never regenerated');
  if (thread.prepared === 'temporary')
    logger.info({ dir }, 'read-only run: sample data generated in a temporary folder, nothing written to the local workspace folder');
  logger.info({ url: thread.url }, 'local workspace serving the Log Analytics query API');
  return thread;
}
