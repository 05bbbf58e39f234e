import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseCommandLine } from '../../src/cli/args';
import { detectionsCommand } from '../../src/cli/detections';
import { loadConfig } from '../../src/config';
import { parseCsv } from '../../src/workspace/files/csv';
import { readExportedTables, tableNameOf } from '../../src/workspace/files/exported';

const LIBRARY = path.join(__dirname, '../../detections-library');

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }), text: () => text };
}

describe('firstwatch detections test --data DIR', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-exports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    path.join(dir, 'SigninLogs.csv'),
    '"TimeGenerated [UTC]",UserPrincipalName,IPAddress,ResultType,UserAgent,Id\n' +
      '"11/27/2026, 1:00:00.000 PM",alice@contoso.com,10.0.0.1,0,"python-requests/2.31, custom",s1\n' +
      '"11/27/2026, 1:05:00.000 PM",bob@contoso.com,10.0.0.2,0,Mozilla/5.0,s2\n',
  );
  writeFileSync(
    path.join(dir, 'AuditLogs.json'),
    JSON.stringify({
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'OperationName', type: 'string' },
            { name: 'InitiatedBy', type: 'dynamic' },
            { name: 'TargetResources', type: 'dynamic' },
          ],
          rows: [
            [
              '2026-11-27T13:02:00Z',
              'Delete conditional access policy',
              JSON.stringify({ user: { userPrincipalName: 'admin@contoso.com' } }),
              JSON.stringify([{ displayName: 'Require MFA' }]),
            ],
          ],
        },
      ],
    }),
  );

  it('reads the portal’s CSV (UTC times, quoted commas) and the query API’s JSON with the tables’ real types', async () => {
    const tables = await readExportedTables(dir);
    const signins = tables.find((t) => t.name === 'SigninLogs');
    expect(signins?.rows[0]).toMatchObject({
      TimeGenerated: new Date('2026-11-27T13:00:00Z'),
      UserAgent: 'python-requests/2.31, custom',
      ResultType: '0',
    });
    expect(signins?.columns.find((c) => c.name === 'LocationDetails')?.type).toBe('dynamic');
    expect(tables.find((t) => t.name === 'AuditLogs')?.rows[0]?.InitiatedBy).toEqual({ user: { userPrincipalName: 'admin@contoso.com' } });
    expect(parseCsv('t.csv', 'a,"b ""c""",d\r\n1,2,3\n').map((r) => r.cells)).toEqual([
      ['a', 'b "c"', 'd'],
      ['1', '2', '3'],
    ]);
  });

  it('appends the dated parts of one table and refuses parts that disagree on a column’s type', async () => {
    expect(['SigninLogs_2026-11-27.csv', 'SigninLogs_2.json', 'Custom_CL.csv', 'AuditLogs.json'].map(tableNameOf)).toEqual([
      'SigninLogs',
      'SigninLogs',
      'Custom_CL',
      'AuditLogs',
    ]);
    const parts = mkdtempSync(path.join(tmpdir(), 'fw-exports-parts-'));
    try {
      writeFileSync(path.join(parts, 'Custom_CL_1.csv'), 'TimeGenerated,Host\n2026-11-27T13:00:00Z,vm-1\n');
      writeFileSync(path.join(parts, 'Custom_CL_2.csv'), 'TimeGenerated,Host,Count\n2026-11-27T14:00:00Z,vm-2,3\n');
      const [custom] = await readExportedTables(parts);
      expect(custom?.name).toBe('Custom_CL');
      expect(custom?.rows).toEqual([
        { TimeGenerated: new Date('2026-11-27T13:00:00Z'), Host: 'vm-1', Count: null },
        { TimeGenerated: new Date('2026-11-27T14:00:00Z'), Host: 'vm-2', Count: 3 },
      ]);
      writeFileSync(path.join(parts, 'Custom_CL_3.csv'), 'TimeGenerated,Host,Count\n2026-11-27T15:00:00Z,vm-3,many\n');
      await expect(readExportedTables(parts)).rejects.toThrow(
        /Custom_CL_3\.csv: column Count reads as string here but as long in Custom_CL_2\.csv/,
      );
    } finally {
      rmSync(parts, { recursive: true, force: true });
    }
  });

  it('prints what each rule would have alerted on, and names a rule that cannot run over the exports', async () => {
    const out = capture();
    const files = [
      'entra-signins/scripted-client-signin.yaml',
      'entra-audit/conditional-access-policy-deleted.yaml',
      'ueba/ueba-first-time-high-priority.yaml',
    ].map((f) => path.join(LIBRARY, f));
    const code = await detectionsCommand(
      loadConfig({}, { envFile: false }),
      parseCommandLine(['detections', 'test', ...files, '--data', dir]),
      out.stream,
    );
    expect(out.text()).toMatch(
      /would alert +\S*scripted-client-signin\.yaml: 1 hit\(s\)\n +2026-11-27T13:00:00\.000Z +Successful sign-in from a scripting client +\[Account alice@contoso\.com, IP 10\.0\.0\.1\]/,
    );
    expect(out.text()).toMatch(/would alert +\S*conditional-access-policy-deleted\.yaml: 1 hit/);
    expect(out.text()).toMatch(/cannot run +\S*ueba-first-time-high-priority\.yaml: unknown table 'BehaviorAnalytics'/);
    expect(code).toBe(1);
  });
});
