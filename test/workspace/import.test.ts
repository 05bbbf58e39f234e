import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore } from '../../src/store';
import { generateWorkspace, importWorkspaceTables, LogAnalyticsSource, serveWorkspace } from '../../src/workspace';
import { firstwatch } from '../support/firstwatch-cli';

const NOW = new Date('2026-11-27T13:00:00Z');
const runCommand = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;
const VM = '/subscriptions/s1/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-pay-01';

/** BehaviorAnalytics as the portal's "Export to CSV" writes it: "[UTC]" headers, US dates, quoted JSON. */
const BEHAVIOR_CSV = [
  'TimeGenerated [UTC],SourceRecordId,UserPrincipalName,ActionType,ActivityInsights,InvestigationPriority,IngestionTime [UTC]',
  '"11/27/2026, 12:10:00.000 PM",rec-1,dana@contoso.com,Run Command on Virtual Machine,"{""FirstTimeUserPerformedAction"":""True"",""EventMessage"":""Microsoft.Compute/virtualMachines/runCommand/action""}",4,"11/27/2026, 12:40:00.000 PM"',
  '"11/27/2026, 12:20:00.000 PM",rec-2,eve@contoso.com,Run Command on Virtual Machine,"{""FirstTimeUserPerformedAction"":""False""}",1,"11/27/2026, 12:45:00.000 PM"',
].join('\r\n');

/** AzureActivity as the query API answers (what `az rest` or a script saves). */
const ACTIVITY_JSON = JSON.stringify({
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Caller', type: 'string' },
        { name: 'OperationNameValue', type: 'string' },
        { name: 'ActivityStatusValue', type: 'string' },
        { name: 'CorrelationId', type: 'string' },
        { name: '_ResourceId', type: 'string' },
      ],
      rows: [
        ['2026-11-27T12:10:30Z', 'dana@contoso.com', 'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION', 'Succeeded', 'corr-1', VM],
      ],
    },
  ],
});

describe("workspace import: the user's own exported tables", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'fw-import-'));
    await mkdir(path.join(root, 'exports'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads a CSV and a JSON export, and the Run Command rule alerts on them with the machine found', async () => {
    await writeFile(path.join(root, 'exports', 'BehaviorAnalytics.csv'), BEHAVIOR_CSV);
    await writeFile(path.join(root, 'exports', 'AzureActivity.json'), ACTIVITY_JSON);
    const dir = path.join(root, 'workspace');
    const tables = await importWorkspaceTables([path.join(root, 'exports')], dir);
    expect(tables.map((t) => [t.name, t.rows.length])).toEqual([
      ['AzureActivity', 1],
      ['BehaviorAnalytics', 2],
    ]);
    // Types come from the known Sentinel schema (every real column present), the ingestion time from the export.
    const ba = tables.find((t) => t.name === 'BehaviorAnalytics');
    expect(ba?.columns.find((c) => c.name === 'InvestigationPriority')?.type).toBe('int');
    expect(ba?.columns.some((c) => c.name === 'DestinationDevice')).toBe(true);
    expect(ba?.columns.some((c) => c.name === 'IngestionTime')).toBe(false);
    expect(ba?.ingestionTimes[0]).toEqual(new Date('2026-11-27T12:40:00Z'));
    expect((await readdir(dir)).sort()).toEqual(['AzureActivity.ndjson', 'BehaviorAnalytics.ndjson']);

    const server = await serveWorkspace({ dir, clock: () => NOW });
    const store = openSqliteStore(':memory:');
    try {
      const source = new LogAnalyticsSource({
        name: 'mine',
        workspaceId: server.workspaceIds[0] as string,
        endpoint: server.url,
        local: true,
        maxRetries: 0,
      });
      const poller = new Poller({
        store,
        workspaces: [{ name: 'mine', source, targets: [] }],
        logger: silentLogger(),
        clock: () => NOW,
        overlapMs: 600_000,
        delayAllowanceMs: 48 * 3_600_000,
      });
      const [outcome] = await poller.runDetection(runCommand);
      expect(outcome?.ok).toBe(true);
      expect(outcome?.created.map((a) => a.subject.upn)).toEqual(['dana@contoso.com']);
      expect(outcome?.created[0]?.target).toMatchObject({ found: true, name: 'vm-pay-01', operationStatus: 'Succeeded' });
    } finally {
      await store.close();
      await server.close();
    }
  });

  it('also reads an array of row objects (az monitor log-analytics query)', async () => {
    const file = path.join(root, 'exports', 'SigninLogs.json');
    await writeFile(
      file,
      JSON.stringify(
        [{ TimeGenerated: '2026-11-27T12:00:00Z', UserPrincipalName: 'dana@contoso.com', ResultType: '0', IPAddress: '203.0.113.9' }],
        null,
        2,
      ),
    );
    const [t] = await importWorkspaceTables([file], path.join(root, 'workspace'));
    expect(t?.rows[0]).toMatchObject({
      UserPrincipalName: 'dana@contoso.com',
      ResultType: '0',
      TimeGenerated: new Date('2026-11-27T12:00:00Z'),
    });
  });

  it.each([
    [
      'a date that is not one',
      'BehaviorAnalytics.csv',
      'TimeGenerated [UTC],SourceRecordId\n"11/27/2026, 12:10:00.000 PM",a\nyesterday,b\n',
      /BehaviorAnalytics\.csv:3: column TimeGenerated \(datetime\): expected a date and time .*, got "yesterday"/,
    ],
    [
      'a row with too many fields',
      'MyTable.csv',
      'TimeGenerated,Name\n2026-11-27T12:00:00Z,a\n2026-11-27T12:00:00Z,b,c\n',
      /MyTable\.csv:3: 3 fields, the header names 2 columns/,
    ],
    [
      'a quote never closed',
      'MyTable.csv',
      'TimeGenerated,Name\n2026-11-27T12:00:00Z,"a\n',
      /MyTable\.csv:2: a quoted field is not closed/,
    ],
    [
      'a number that is not one',
      'BehaviorAnalytics.csv',
      'TimeGenerated,InvestigationPriority\n2026-11-27T12:00:00Z,high\n',
      /BehaviorAnalytics\.csv:2: column InvestigationPriority \(int\): expected a whole number, got "high"/,
    ],
    [
      'broken JSON',
      'AzureActivity.json',
      '{\n  "tables": [\n    { "name": "PrimaryResult", }\n  ]\n}',
      /AzureActivity\.json:3: not valid JSON \(column \d+\)/,
    ],
    [
      'a JSON cell of the wrong type',
      'AzureActivity.json',
      JSON.stringify({ tables: [{ columns: [{ name: 'TimeGenerated', type: 'datetime' }], rows: [['2026-11-27T12:00:00Z'], ['noon']] }] }),
      /AzureActivity\.json: row 2, column TimeGenerated \(datetime\): expected a date and time/,
    ],
  ])('refuses %s, naming file, line and column, and writes nothing', async (_name, file, text, message) => {
    await writeFile(path.join(root, 'exports', 'Good.csv'), 'TimeGenerated,Name\n2026-11-27T12:00:00Z,a\n');
    await writeFile(path.join(root, 'exports', file), text);
    const dir = path.join(root, 'workspace');
    await expect(importWorkspaceTables([path.join(root, 'exports')], dir)).rejects.toThrow(message);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it("never writes over a table already in the folder, nor into FirstWatch's sample data", async () => {
    await writeFile(path.join(root, 'exports', 'MyTable.csv'), 'TimeGenerated,Name\n2026-11-27T12:00:00Z,a\n');
    const mine = path.join(root, 'mine');
    await mkdir(mine);
    await writeFile(path.join(mine, 'MyTable.ndjson'), 'theirs');
    await expect(importWorkspaceTables([path.join(root, 'exports')], mine)).rejects.toThrow(
      /MyTable\.ndjson already exists: FirstWatch does not write over a table it did not make/,
    );
    const sample = path.join(root, 'sample');
    await generateWorkspace({ dir: sample, now: NOW, days: 1 });
    const before = (await readdir(sample)).sort();
    await expect(importWorkspaceTables([path.join(root, 'exports')], sample)).rejects.toThrow(/holds FirstWatch's sample data/);
    expect((await readdir(sample)).sort()).toEqual(before);
  });

  it('firstwatch workspace import prints what it loaded, and exits 1 naming the problem when it cannot', async () => {
    await writeFile(path.join(root, 'exports', 'BehaviorAnalytics.csv'), BEHAVIOR_CSV);
    const ok = await firstwatch(root, ['workspace', 'import', 'exports', '--dir', 'ws']);
    expect(ok.stdout).toMatch(/^Imported BehaviorAnalytics: 2 row\(s\), \d+ column\(s\) into .*ws$/m);
    expect(ok.code).toBe(0);
    const again = await firstwatch(root, ['workspace', 'import', 'exports', '--dir', 'ws']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/BehaviorAnalytics\.ndjson already exists/);
  }, 60_000);
});
