/**
 * Each workspace's tables are learned once (one probe) and refreshed: the hunt
 * queries only the tables the workspace has and says which were missing; the
 * enrichment says its table is missing without querying it.
 */
import path from 'node:path';
import { HuntService } from '../../../src/alerts/hunt';
import { loadDetections } from '../../../src/detections';
import type { Detection } from '../../../src/detections/types';
import { silentLogger } from '../../../src/logging/logger';
import { Poller } from '../../../src/poller/poller';
import { SqliteStore } from '../../../src/store';
import { DEFAULT_LOCAL_WORKSPACE_ID, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { TableCatalog } from '../../../src/workspace/table-catalog';
import { firstTimeRunCommand, startHandMadeWorkspace, type HandMadeWorkspace } from '../../support/hand-made-workspace';
import { ctx, NOW, tableSource, WEEK_MS } from './fixtures';

const HOUR = 3_600_000;

describe('hunts through the learned table list', () => {
  let server: WorkspaceServer;
  let store: SqliteStore;
  let now: number;
  let catalog: TableCatalog;

  const huntQueries = (): string[] =>
    server.requests.map((r) => r.query ?? '').filter((q) => q.includes('let _events = union isfuzzy=true'));
  const probes = (): string[] => server.requests.map((r) => r.query ?? '').filter((q) => q.includes('| take 0)'));

  function service(): HuntService {
    return new HuntService({
      sources: [
        new LogAnalyticsSource({
          name: 'contoso',
          workspaceId: DEFAULT_LOCAL_WORKSPACE_ID,
          endpoint: server.url,
          local: true,
          maxRetries: 0,
        }),
      ],
      tables: catalog,
      store,
      clock: () => NOW,
      limits: { cacheSeconds: 0 },
      links: {},
    });
  }

  beforeEach(async () => {
    server = await startWorkspaceServer({ source: tableSource(['BehaviorAnalytics']), clock: () => NOW });
    store = new SqliteStore(':memory:', { clock: () => NOW });
    now = NOW.getTime();
    catalog = new TableCatalog({ now: () => now });
  });
  afterEach(async () => {
    await server.close();
    await store.close();
  });

  it('a workspace without BehaviorAnalytics: the hunt reads the other tables only and says what was missing', async () => {
    const report = await service().run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.missingTables).toEqual(['BehaviorAnalytics']);
    expect(report.bySource.AzureActivity).toBeGreaterThan(0);
    expect(report.bySource.SigninLogs).toBeGreaterThan(0);
    // Learned with one probe; the hunt's query names only the tables the workspace has.
    expect(probes()).toHaveLength(1);
    const [sent] = huntQueries();
    expect(sent).toContain('(AzureActivity');
    expect(sent).not.toContain('(BehaviorAnalytics');
  });

  it('learns once: a second hunt within the hour sends no probe; after the hour it learns again', async () => {
    const hunts = service();
    await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    await hunts.run({ upn: 'bob@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(probes()).toHaveLength(1);
    now += HOUR;
    await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(probes()).toHaveLength(2);
  });

  it('a table that goes after it was learned: the hunt still answers and names it, and the list is learned again', async () => {
    server.setSource(tableSource());
    const hunts = service();
    expect((await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx())).missingTables).toBeUndefined();
    server.setSource(tableSource(['SigninLogs']));
    const report = await hunts.run({ upn: 'bob@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.missingTables).toEqual(['SigninLogs']);
    expect(report.bySource.AzureActivity).toBeGreaterThan(0);
    await hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(probes()).toHaveLength(2);
    expect(huntQueries().at(-1)).not.toContain('(SigninLogs');
  });

  it('a workspace with none of the hunted tables answers with no events and names them all, never failing', async () => {
    server.setSource(tableSource(['BehaviorAnalytics', 'AzureActivity', 'SigninLogs', 'AuditLogs']));
    const report = await service().run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.totalEvents).toBe(0);
    expect(report.missingTables).toEqual(['BehaviorAnalytics', 'AzureActivity', 'SigninLogs', 'AuditLogs']);
    expect(huntQueries()).toEqual([]);
  });
});

describe('enrichment through the learned table list', () => {
  let ws: HandMadeWorkspace;
  let store: SqliteStore;
  const runCommand = loadDetections(path.join(__dirname, '../../../detections')).find(
    (d) => d.slug === 'first-time-runcommand',
  ) as Detection;
  const at = new Date('2026-11-27T13:00:00Z');

  afterEach(async () => {
    await store.close();
    await ws.close();
  });

  it('a workspace without AzureActivity: alerts go out marked, and AzureActivity is probed once, never queried', async () => {
    ws = await startHandMadeWorkspace({
      BehaviorAnalytics: [
        firstTimeRunCommand('r1', 'alice@contoso.com', new Date(at.getTime() - 2 * HOUR), new Date(at.getTime() - 1800_000)),
      ],
    });
    store = new SqliteStore(':memory:');
    const poller = new Poller({
      store,
      workspaces: [{ name: 'hand', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: silentLogger(),
      clock: () => at,
      overlapMs: 600_000,
      delayAllowanceMs: 6 * HOUR,
      tables: new TableCatalog({ now: () => at.getTime() }),
    });
    const [first] = await poller.runDetection(runCommand);
    expect(first?.ok).toBe(true);
    expect(first?.created).toHaveLength(1);
    expect(first?.enrichmentUnavailable).toBe('AzureActivity not available in this workspace');
    const queries = ws.server.requests.map((r) => r.query ?? '');
    expect(queries.filter((q) => q.includes('(AzureActivity | take 0)'))).toHaveLength(1);
    expect(queries.filter((q) => /^AzureActivity\s*\|/m.test(q) && !q.includes('take 0'))).toEqual([]);
  });
});
