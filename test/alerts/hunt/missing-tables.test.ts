/**
 * A hunt in a workspace without some of the hunted tables (UEBA off, no Entra
 * connector): Log Analytics answers the fuzzy union with a warning per missing
 * table; the hunt answers from the other tables and says which were missing.
 */
import { HuntService } from '../../../src/alerts/hunt';
import { huntText } from '../../../src/cards';
import { huntBlocks } from '../../../src/cards/blockkit/hunt-blocks';
import { SqliteStore } from '../../../src/store';
import { DEFAULT_LOCAL_WORKSPACE_ID, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { ctx, NOW, tableSource, WEEK_MS } from './fixtures';

let noUeba: WorkspaceServer;
let full: WorkspaceServer;
let store: SqliteStore;

function service(...servers: [WorkspaceServer, string][]): HuntService {
  return new HuntService({
    sources: servers.map(
      ([s, name]) => new LogAnalyticsSource({ name, workspaceId: DEFAULT_LOCAL_WORKSPACE_ID, endpoint: s.url, local: true, maxRetries: 0 }),
    ),
    store,
    clock: () => NOW,
    limits: { cacheSeconds: 0 },
    links: {},
  });
}

beforeAll(async () => {
  noUeba = await startWorkspaceServer({ source: tableSource(['BehaviorAnalytics']), clock: () => NOW });
  full = await startWorkspaceServer({ source: tableSource(), clock: () => NOW });
  store = new SqliteStore(':memory:', { clock: () => NOW });
});
afterAll(async () => {
  await noUeba.close();
  await full.close();
  await store.close();
});

describe('hunting where a table is missing', () => {
  it('a workspace without BehaviorAnalytics answers with the other tables and says what was missing', async () => {
    const report = await service([noUeba, 'contoso']).run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.bySource.BehaviorAnalytics).toBe(0);
    expect(report.bySource.AzureActivity).toBeGreaterThan(0);
    expect(report.bySource.SigninLogs).toBeGreaterThan(0);
    expect(report.missingTables).toEqual(['BehaviorAnalytics']);
    expect(huntText(report)).toContain('Not in the workspace (not hunted): BehaviorAnalytics');
    expect(JSON.stringify(huntBlocks(report, NOW))).toContain('Not in the workspace (not hunted): BehaviorAnalytics');
  });

  it('with several workspaces, names the workspace that lacks it', async () => {
    const report = await service([full, 'full'], [noUeba, 'no-ueba']).run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.missingTables).toEqual(['BehaviorAnalytics in no-ueba']);
    expect(report.bySource.BehaviorAnalytics).toBeGreaterThan(0);
  });

  it('a workspace with every table reports nothing missing', async () => {
    const report = await service([full, 'full']).run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.missingTables).toBeUndefined();
    expect(huntText(report)).not.toContain('Not in the workspace');
  });
});
