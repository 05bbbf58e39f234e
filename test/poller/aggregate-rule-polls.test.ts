import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDetections, type Detection } from '../../src/detections';
import { SENTINEL_TABLES, type Column } from '../../src/kql';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { LogAnalyticsSource, serveWorkspace, writeTables, type WorkspaceServer } from '../../src/workspace';

const HOUR = 3_600_000;
const planted = new Date('2026-11-27T10:00:00Z');
const at = (minutes: number): Date => new Date(planted.getTime() + minutes * 60_000);

/** One Run Command (Started/Accepted/Succeeded) on vm-web-01 by alice, 30 minutes after UEBA saw her act unusually. */
function plantedSequence(): Array<{ name: string; columns: Column[]; rows: Record<string, unknown>[]; ingestionTimes: Date[] }> {
  const authorization = JSON.stringify({
    action: 'Microsoft.Compute/virtualMachines/runCommand/action',
    scope: '/subscriptions/sub-1/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01',
  });
  const activity = ['Started', 'Accepted', 'Succeeded'].map((status, i) => ({
    TimeGenerated: at(i),
    Caller: 'alice@contoso.com',
    CallerIpAddress: '203.0.113.10',
    CorrelationId: 'corr-1',
    OperationNameValue: 'Microsoft.Compute/virtualMachines/runCommand/action',
    ActivityStatusValue: status,
    Authorization: authorization,
    Type: 'AzureActivity',
  }));
  const ueba = [
    {
      TimeGenerated: at(-30),
      UserPrincipalName: 'alice@contoso.com',
      ActionType: 'Sign-in',
      EventSource: 'Azure AD',
      SourceIPLocation: 'Belgium',
      ActivityInsights: { ActionUncommonlyPerformedByUser: 'True' },
      Type: 'BehaviorAnalytics',
    },
  ];
  const columns = (name: string): Column[] => (SENTINEL_TABLES[name] ?? []).map((c) => ({ ...c }));
  return [
    {
      name: 'AzureActivity',
      columns: columns('AzureActivity'),
      rows: activity,
      ingestionTimes: activity.map((r) => new Date(r.TimeGenerated.getTime() + 5 * 60_000)),
    },
    {
      name: 'BehaviorAnalytics',
      columns: columns('BehaviorAnalytics'),
      rows: ueba,
      ingestionTimes: ueba.map((r) => new Date(r.TimeGenerated.getTime() + 20 * 60_000)),
    },
  ];
}

describe('a RunCommandUEBABreach-shaped rule (rows without TimeGenerated) over consecutive polls', () => {
  let dir: string;
  let server: WorkspaceServer;
  let store: SqliteStore;
  let rule: Detection;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-aggregate-'));
    await writeTables(dir, plantedSequence());
    server = await serveWorkspace({ dir });
    store = openSqliteStore(':memory:');
    const found = loadDetections(path.join(__dirname, '../../detections-library')).find((d) => d.slug === 'runcommand-during-ueba-window');
    if (found === undefined) throw new Error('the rule library has no runcommand-during-ueba-window');
    rule = found;
  });
  afterAll(async () => {
    await store?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts exactly once for one planted sequence across three polls', async () => {
    const source = new LogAnalyticsSource({
      name: 'local',
      workspaceId: server.workspaceIds[0] as string,
      endpoint: server.url,
      local: true,
      maxRetries: 0,
    });
    let clock = new Date(planted.getTime() + 2 * HOUR);
    const poller = new Poller({
      store,
      workspaces: [{ name: 'local', source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: silentLogger(),
      clock: () => clock,
      overlapMs: 10 * 60_000,
      delayAllowanceMs: 6 * HOUR,
    });
    const created: number[] = [];
    for (let poll = 0; poll < 3; poll++) {
      const [outcome] = await poller.runDetection(rule);
      expect(outcome?.error).toBeUndefined();
      expect(outcome?.hits).toBe(1);
      created.push(outcome?.created.length ?? -1);
      clock = new Date(clock.getTime() + 12 * HOUR);
    }
    expect(created).toEqual([1, 0, 0]);
    const alerts = await store.listAlerts({ status: 'all', limit: 10 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { upn: 'alice@contoso.com' }, eventTime: at(0) });
  });
});
