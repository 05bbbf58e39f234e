import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Table } from '../../src/kql/types';
import { buildTestTables } from '../../src/detections/test-tables';
import type { TestTable } from '../../src/detections/types';
import { LogAnalyticsSource, serveWorkspace, writeTables, type WorkspaceServer } from '../../src/workspace';

export type RawTable = Table & { ingestionTimes: Date[] };

/** A row as a new user would write it: column values, plus when it reached the workspace. */
export interface HandRow {
  values: Record<string, unknown>;
  ingestionTime?: Date;
}

export interface HandMadeWorkspace {
  dir: string;
  server: WorkspaceServer;
  source: LogAnalyticsSource;
  close(): Promise<void>;
}

/**
 * A local workspace holding only the tables given (typed as Log Analytics types them),
 * served on loopback and queried through the real LogsQueryClient.
 */
export async function startHandMadeWorkspace(
  tables: Record<string, HandRow[]>,
  options: {
    name?: string;
    /** Tables written exactly as given (e.g. a schema unlike the real one). */
    raw?: RawTable[];
    /** What now() is for queries; default the system clock. */
    clock?: () => Date;
  } = {},
): Promise<HandMadeWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-hand-'));
  const asTestTables: Record<string, TestTable> = Object.fromEntries(
    // Log Analytics fills Type with the table's name on every row.
    Object.entries(tables).map(([name, rows]) => [
      name,
      { columns: {}, rows: rows.map((r) => ({ ...r, values: { Type: name, ...r.values } })) },
    ]),
  );
  const built = buildTestTables(asTestTables).map((t) => ({ ...t, ingestionTimes: t.ingestionTimes ?? [] }));
  await writeTables(dir, [...built, ...(options.raw ?? [])]);
  const server = await serveWorkspace({ dir, clock: options.clock });
  const source = new LogAnalyticsSource({
    name: options.name ?? 'hand',
    workspaceId: server.workspaceIds[0] as string,
    endpoint: server.url,
    local: true,
    maxRetries: 0,
  });
  return {
    dir,
    server,
    source,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A first-time Run Command row in BehaviorAnalytics, as UEBA writes it. */
export function firstTimeRunCommand(id: string, upn: string, timeGenerated: Date, ingestionTime: Date): HandRow {
  return {
    values: {
      TimeGenerated: timeGenerated,
      SourceRecordId: id,
      UserPrincipalName: upn,
      UserName: upn.split('@')[0],
      ActionType: 'Run Command on Virtual Machine',
      ActivityType: 'Execution',
      SourceIPAddress: '203.0.113.7',
      InvestigationPriority: 5,
      ActivityInsights: { FirstTimeUserPerformedAction: 'True', EventMessage: 'Microsoft.Compute/virtualMachines/runCommand/action' },
    },
    ingestionTime,
  };
}
