import { loadConfig } from '../../src/config';
import { checkSentinelRole, permits } from '../../src/doctor/sentinel-role';
import { silentLogger } from '../../src/logging/logger';
import { SENTINEL_RESPONDER, SentinelIncidentStandIn } from '../../src/workspace/server/sentinel-incidents';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';
import type { TokenCredential } from '@azure/core-auth';

const SUB = '33333333-3333-3333-3333-333333333333';
const RESOURCE_ID = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-sec`;
const noCredential = (): TokenCredential => {
  throw new Error('a local stand-in takes no token');
};

describe('doctor: the writing identity holds Microsoft Sentinel Responder on the workspace', () => {
  let standIn: SentinelIncidentStandIn;
  let server: WorkspaceServer;
  const check = () =>
    checkSentinelRole(
      loadConfig(
        {
          LOG_ANALYTICS_WORKSPACE_ID: '11111111-1111-1111-1111-111111111111',
          WORKSPACE_NAME: 'soc',
          WORKSPACE_RESOURCE_ID: RESOURCE_ID,
          ALERT_SOURCE: 'incidents',
          SENTINEL_ARM_ENDPOINT: server.url.replace(/\/v1$/, ''),
        },
        { envFile: false },
      ),
      { credential: noCredential, timeoutMs: 5_000, logger: silentLogger() },
    );

  beforeEach(async () => {
    standIn = new SentinelIncidentStandIn(() => new Date());
    standIn.addWorkspace(SUB, 'rg-sec', 'law-sec');
    server = await startWorkspaceServer({ source: { getTable: () => undefined }, incidents: standIn });
  });
  afterEach(async () => server.close());

  it('passes with the Responder role, read from ARM permissions on the workspace', async () => {
    expect(await check()).toEqual([expect.objectContaining({ check: 'sentinel role soc', verdict: 'ok' })]);
  });

  it('fails with a reader-only identity and prints the az role assignment command for the workspace', async () => {
    standIn.setPermissions(SUB, 'rg-sec', 'law-sec', [
      {
        actions: ['Microsoft.SecurityInsights/*/read', 'Microsoft.OperationalInsights/workspaces/*/read'],
        notActions: [],
        dataActions: [],
        notDataActions: [],
      },
    ]);
    const [line] = await check();
    expect(line).toMatchObject({ verdict: 'FAIL' });
    expect(line?.detail).toContain('Microsoft.SecurityInsights/incidents/write');
    expect(line?.fix).toBe(
      `az role assignment create --assignee <principal object id> --role "Microsoft Sentinel Responder" --scope ${RESOURCE_ID}`,
    );
  });

  it('fails with no role at all on the workspace', async () => {
    standIn.setPermissions(SUB, 'rg-sec', 'law-sec', []);
    expect((await check())[0]).toMatchObject({ verdict: 'FAIL', fix: expect.stringContaining('az role assignment create') });
  });

  it('says nothing about workspaces that only run rules', async () => {
    const config = loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: '11111111-1111-1111-1111-111111111111' }, { envFile: false });
    expect(await checkSentinelRole(config, { credential: noCredential, timeoutMs: 5_000, logger: silentLogger() })).toEqual([]);
  });
});

describe('ARM action patterns', () => {
  it('grant by wildcard, case-insensitively, and a notAction takes back what its assignment granted', () => {
    expect(permits([SENTINEL_RESPONDER], 'Microsoft.SecurityInsights/incidents/comments/write')).toBe(true);
    expect(permits([SENTINEL_RESPONDER], 'microsoft.securityinsights/INCIDENTS/write')).toBe(true);
    expect(permits([SENTINEL_RESPONDER], 'Microsoft.SecurityInsights/incidents/comments/delete')).toBe(false);
    expect(
      permits(
        [{ actions: ['*'], notActions: ['Microsoft.SecurityInsights/incidents/write'] }],
        'Microsoft.SecurityInsights/incidents/write',
      ),
    ).toBe(false);
    expect(permits([{ actions: ['*/read'], notActions: [] }], 'Microsoft.SecurityInsights/incidents/write')).toBe(false);
  });
});
