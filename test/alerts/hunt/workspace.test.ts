/**
 * /hunt end to end against the local workspace: the real LogsQueryClient (through
 * LogAnalyticsSource) over HTTP, the KQL engine evaluating the hunt query, and a real
 * SQLite store for the user's alerts and the audit log.
 */
import { gunzipSync } from 'node:zlib';
import { HuntError, HuntService } from '../../../src/alerts/hunt';
import type { HuntReport } from '../../../src/alerts/types';
import { huntText } from '../../../src/cards';
import { SqliteStore } from '../../../src/store';
import { DEFAULT_LOCAL_WORKSPACE_ID, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { useFakeTimeouts, whenReal } from '../../support/fake-timeouts';
import { aliceAlert, ctx, huntAudit, NOW, sampleData, tableSource, TENANT_ID, WEEK_MS, WORKSPACE_RESOURCE_ID } from './fixtures';

const clock = (): Date => NOW;
let server: WorkspaceServer;
let partialServer: WorkspaceServer;
let store: SqliteStore;

function source(s: WorkspaceServer, name = 'contoso-sentinel', workspaceId = DEFAULT_LOCAL_WORKSPACE_ID): LogAnalyticsSource {
  return new LogAnalyticsSource({ name, workspaceId, endpoint: s.url, local: true, maxRetries: 0 });
}

function service(sources = [source(server)], cacheSeconds = 0): HuntService {
  return new HuntService({
    sources,
    store,
    clock,
    limits: { cacheSeconds },
    links: { tenantId: TENANT_ID, workspaceResourceId: WORKSPACE_RESOURCE_ID },
  });
}

beforeAll(async () => {
  server = await startWorkspaceServer({
    source: tableSource(),
    clock: () => NOW,
    workspaceId: [DEFAULT_LOCAL_WORKSPACE_ID, '11111111-1111-1111-1111-111111111111'],
  });
  // A workspace without SigninLogs and AuditLogs (no Entra ID connector).
  partialServer = await startWorkspaceServer({ source: tableSource(['SigninLogs', 'AuditLogs']), clock: () => NOW });
  store = new SqliteStore(':memory:', { clock: () => NOW });
  await store.recordPoll({
    workspace: 'contoso-sentinel',
    detectionId: 'first-time-run-command',
    watermark: NOW,
    alerts: [aliceAlert()],
    targets: [],
  });
});

afterAll(async () => {
  await server?.close();
  await partialServer?.close();
  await store?.close();
});

describe('hunting alice@contoso.com in the local workspace', () => {
  let report: HuntReport;
  const planted = () => {
    const c = sampleData().planted.find((p) => p.id === 'alice-run-command');
    if (!c) throw new Error('the sample data no longer plants alice-run-command');
    return c;
  };

  beforeAll(async () => {
    report = await service().run({ upn: 'Alice@Contoso.com', lookbackMs: WEEK_MS }, ctx());
  });

  it('finds the planted first-time Run Command among the most recent events, with its VM', () => {
    const c = planted();
    const ev = report.recent.find(
      (e) => e.source === 'BehaviorAnalytics' && e.action === c.actionType && e.time.getTime() === c.timeGenerated.getTime(),
    );
    expect(ev).toBeDefined();
    expect(ev?.target).toBe(c.machine?.name);
    // The ARM side of the same Run Command is there too, on the same VM.
    expect(
      report.recent.some(
        (e) =>
          e.source === 'AzureActivity' &&
          /runCommand\/action/i.test(e.action) &&
          e.target?.toLowerCase() === c.azureActivity?.resourceId.toLowerCase(),
      ),
    ).toBe(true);
  });

  it('flags the Run Command as first-time for this user', () => {
    const runCommand = report.activities.find((a) => a.source === 'BehaviorAnalytics' && a.action === planted().actionType);
    expect(runCommand?.insights).toContain('FirstTimeUserPerformedAction');
    expect(report.insights.find((i) => i.insight === 'FirstTimeUserPerformedAction')?.count).toBeGreaterThanOrEqual(1);
  });

  it('has activity from all four tables, and totals that add up', () => {
    for (const table of ['BehaviorAnalytics', 'AzureActivity', 'SigninLogs', 'AuditLogs'])
      expect(report.bySource[table]).toBeGreaterThan(0);
    const sum = Object.values(report.bySource).reduce((a, b) => a + b, 0);
    expect(report.totalEvents).toBe(sum);
    expect(report.timeline.reduce((a, d) => a + d.count, 0)).toBe(sum);
    expect(report.activities.reduce((a, x) => a + x.count, 0)).toBe(sum);
  });

  it('counts exactly what the sample tables hold for alice in the period', () => {
    const start = NOW.getTime() - WEEK_MS;
    const expected = (table: string, user: (r: Record<string, unknown>) => unknown): number => {
      const t = sampleData().tables.find((x) => x.name === table);
      return (t?.rows ?? []).filter((r) => {
        const at = (r.TimeGenerated as Date).getTime();
        return at > start && at <= NOW.getTime() && String(user(r)).toLowerCase() === 'alice@contoso.com';
      }).length;
    };
    expect(report.bySource.SigninLogs).toBe(expected('SigninLogs', (r) => r.UserPrincipalName));
    expect(report.bySource.AzureActivity).toBe(expected('AzureActivity', (r) => r.Caller));
    expect(report.bySource.BehaviorAnalytics).toBe(expected('BehaviorAnalytics', (r) => r.UserPrincipalName));
  });

  it('has one timeline entry per UTC day of the period, oldest first', () => {
    expect(report.timeline.map((d) => d.day)).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
    ]);
    expect(report.period).toEqual({ start: new Date(NOW.getTime() - WEEK_MS), end: NOW });
  });

  it("names the user and links to the user's Defender page", () => {
    expect(report.upn).toBe('alice@contoso.com');
    expect(report.displayName).toBe('Alice Johnson');
    expect(report.aadObjectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.links.defenderUser).toBe(`https://security.microsoft.com/user?aad=${report.aadObjectId}&tid=${TENANT_ID}`);
  });

  it('links to the exact query in Log Analytics (base64 of gzip, URI-encoded twice)', () => {
    const m = /\/q\/([^/]+)\/timespan\/P7D$/.exec(report.links.query ?? '');
    expect(m).not.toBeNull();
    expect(report.links.query).toContain(`/resourceId/${encodeURIComponent(WORKSPACE_RESOURCE_ID)}/`);
    const gz = Buffer.from(decodeURIComponent(decodeURIComponent(m?.[1] ?? '')), 'base64');
    expect(gunzipSync(gz).toString('utf8')).toBe(report.query);
    expect(server.requests.some((r) => r.query === report.query)).toBe(true);
  });

  it("lists alice's FirstWatch alerts from the store", () => {
    expect(report.alerts).toHaveLength(1);
    expect(report.alerts[0]).toMatchObject({ title: aliceAlert().title, status: 'open', severity: 'High' });
  });

  it('renders as text naming the Run Command and the first-time insight', () => {
    const text = huntText(report);
    expect(text).toContain('Alice Johnson (alice@contoso.com)');
    expect(text).toContain('Run Command on Virtual Machine');
    expect(text).toContain('First time this user performed this action');
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{8}/);
  });
});

describe('other hunts in the local workspace', () => {
  it('finds the boolean-encoded first-time flag as well (carol)', async () => {
    const report = await service().run({ upn: 'carol@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.insights.map((i) => i.insight)).toContain('FirstTimeUserPerformedAction');
  });

  it('says plainly that nothing was found for an unknown user', async () => {
    const report = await service().run({ upn: 'nobody@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.totalEvents).toBe(0);
    expect(report.recent).toEqual([]);
    expect(report.alerts).toEqual([]);
    expect(report.timeline).toHaveLength(8);
    expect(report.timeline.every((d) => d.count === 0)).toBe(true);
    expect(report.links.defenderUser).toBeUndefined();
    expect(huntText(report)).toContain('No activity found for nobody@contoso.com in the last 7 days');
  });

  it('answers from a workspace that lacks some tables (union isfuzzy)', async () => {
    const report = await service([source(partialServer)]).run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    expect(report.bySource.SigninLogs).toBe(0);
    expect(report.bySource.AuditLogs).toBe(0);
    expect(report.bySource.BehaviorAnalytics).toBeGreaterThan(0);
    expect(report.bySource.AzureActivity).toBeGreaterThan(0);
  });

  it('asks every workspace and merges their answers', async () => {
    const one = await service().run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS }, ctx());
    const two = await service([source(server, 'ws-a'), source(server, 'ws-b', '11111111-1111-1111-1111-111111111111')]).run(
      { upn: 'alice@contoso.com', lookbackMs: WEEK_MS },
      ctx(),
    );
    expect(two.workspaces).toEqual(['ws-a', 'ws-b']);
    expect(two.totalEvents).toBe(2 * one.totalEvents);
    expect(two.bySource.AzureActivity).toBe(2 * one.bySource.AzureActivity);
  });

  it('audits each hunt: who asked, for whom, from where, allowed', async () => {
    await service().run({ upn: 'bob@contoso.com', lookbackMs: 86_400_000 }, ctx('teams:19:soc@thread.tacv2'));
    const last = huntAudit(await store.listAudit({ limit: 100 })).pop();
    expect(last).toMatchObject({ action: 'hunt', outcome: 'allowed', origin: 'teams:19:soc@thread.tacv2', actor: { id: 'U0ANALYST' } });
    expect(last?.detail).toContain('bob@contoso.com');
    expect(last?.detail).toContain('1d');
  });
});

describe('a failing workspace', () => {
  afterEach(() => {
    server.faults.clear();
    jest.useRealTimers();
  });

  it.each([
    [{ status: 500 }, /^the workspace could not be reached/],
    [{ status: 400 }, /^the workspace refused the query/],
    [{ status: 403 }, /^FirstWatch may not read the workspace/],
    [{ partial: true }, /^the workspace returned an incomplete result/],
    [{ status: 504 }, /^the workspace query timed out/],
    [{ status: 429, retryAfterMs: 1 }, /^the workspace is throttling queries; try again in a minute$/],
  ])('%j gives a readable error and a failed audit line', async (fault, message) => {
    server.faults.next(fault);
    const upn = `fail-${Object.keys(fault)[0]}-${String(Object.values(fault)[0])}@contoso.com`;
    const error = await service()
      .run({ upn, lookbackMs: WEEK_MS }, ctx())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(HuntError);
    expect((error as Error).message).toMatch(message);
    const last = huntAudit(await store.listAudit({ limit: 100 })).pop();
    expect(last).toMatchObject({ outcome: 'failed', origin: 'slack:C0SOC' });
    expect(last?.detail).toContain(upn);
    expect(last?.detail).toContain((error as Error).message);
  });

  it('fails the whole hunt when one of several workspaces fails, naming it', async () => {
    const hunts = service([source(partialServer, 'ws-ok'), source(server, 'ws-down')]);
    server.faults.next({ status: 503 });
    await expect(hunts.run({ upn: 'dave@contoso.com', lookbackMs: WEEK_MS }, ctx())).rejects.toThrow(
      /could not be reached \(workspace ws-down\)/,
    );
  });

  it('gives up after the time limit with a readable reason', async () => {
    useFakeTimeouts();
    server.faults.next({ delayMs: 1000 });
    const hunts = new HuntService({ sources: [source(server)], store, clock, limits: { timeoutMs: 200 } });
    const timedOut = expect(hunts.run({ upn: 'erin@contoso.com', lookbackMs: WEEK_MS }, ctx())).rejects.toThrow(
      'the hunt timed out after 0.2 s',
    );
    await whenReal('the slow query to reach the workspace', () => server.faults.pending === 0);
    await jest.advanceTimersByTimeAsync(200);
    await timedOut;
    const last = huntAudit(await store.listAudit({ limit: 100 })).pop();
    expect(last).toMatchObject({ outcome: 'failed' });
    expect(last?.detail).toContain('timed out');
  });
});
