import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatReport, runDoctorFromEnv, type CheckResult } from '../../src/doctor';
import { firstTimeRunCommand, startHandMadeWorkspace, type HandMadeWorkspace } from '../support/hand-made-workspace';

const ROOT = path.join(__dirname, '../..');

function line(results: CheckResult[], check: string): CheckResult {
  const found = results.find((r) => r.check === check);
  if (found === undefined) throw new Error(`no "${check}" line in:\n${formatReport(results)}`);
  return found;
}

describe('doctor names the tables each rule and enrichment needs', () => {
  let dir: string;
  let ws: HandMadeWorkspace;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-doctor-tables-'));
    const now = new Date();
    ws = await startHandMadeWorkspace({
      BehaviorAnalytics: [firstTimeRunCommand('r1', 'alice@contoso.com', new Date(now.getTime() - 3_600_000), now)],
    });
  });
  afterAll(async () => {
    await ws.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a workspace with BehaviorAnalytics and no AzureActivity: the missing table is named with the enrichment that reads it, as a warning', async () => {
    const results = await runDoctorFromEnv(
      {
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        SQLITE_PATH: path.join(dir, 'fw.db'),
        TEAMS_PLAYGROUND: 'false',
        WORKSPACES: 'acme',
        WORKSPACE_ACME_ID: ws.server.workspaceIds[0] as string,
        WORKSPACE_ACME_ENDPOINT: ws.server.url,
      },
      { envFile: false },
    );
    expect(line(results, 'workspace acme BehaviorAnalytics')).toMatchObject({
      verdict: 'ok',
      detail: expect.stringMatching(/read by first-time-runcommand\b/),
    });
    expect(line(results, 'workspace acme AzureActivity')).toMatchObject({
      verdict: 'warn',
      detail: expect.stringMatching(
        /read by first-time-runcommand's enrichment \(azure-vm-target\), the hunt\): the table is missing or empty/,
      ),
    });
  }, 60_000);
});
