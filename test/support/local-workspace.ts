import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LogAnalyticsSource, generateWorkspace, serveWorkspace, type PlantedCase, type WorkspaceServer } from '../../src/workspace';

export interface LocalWorkspace {
  dir: string;
  now: Date;
  planted: PlantedCase[];
  server: WorkspaceServer;
  source: LogAnalyticsSource;
  close(): Promise<void>;
}

/** A generated sample workspace served on loopback, queried through the real LogsQueryClient. */
export async function startLocalWorkspace(
  options: { now?: Date; seed?: number; name?: string; maxRetries?: number; maxRows?: number } = {},
): Promise<LocalWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-ws-'));
  const now = options.now ?? new Date();
  const generated = await generateWorkspace({ dir, now, seed: options.seed ?? 1, days: 2 });
  const server = await serveWorkspace({ dir, ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}) });
  const source = new LogAnalyticsSource({
    name: options.name ?? 'local',
    workspaceId: server.workspaceIds[0] as string,
    endpoint: server.url,
    local: true,
    maxRetries: options.maxRetries ?? 0,
    retryDelayMs: 10,
    maxRetryDelayMs: 50,
  });
  return {
    dir,
    now,
    planted: generated.planted,
    server,
    source,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
