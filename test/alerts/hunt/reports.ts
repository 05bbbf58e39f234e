import type { HuntActivity, HuntReport } from '../../../src/alerts/types';
import { NOW, WEEK_MS } from './fixtures';

const day = (offset: number): string => new Date(NOW.getTime() - offset * 86_400_000).toISOString().slice(0, 10);

/** A small, ordinary report for alice. */
export function aliceReport(overrides: Partial<HuntReport> = {}): HuntReport {
  const runCommand: HuntActivity = {
    source: 'BehaviorAnalytics',
    action: 'Run Command on Virtual Machine',
    count: 1,
    first: new Date(NOW.getTime() - 25 * 60_000),
    last: new Date(NOW.getTime() - 25 * 60_000),
    ips: ['91.1.123.184'],
    targets: ['vm-web-01'],
    statuses: [],
    maxPriority: 5,
    insights: ['FirstTimeUserPerformedAction', 'ActionUncommonlyPerformedByUser'],
  };
  return {
    upn: 'alice@contoso.com',
    displayName: 'Alice Johnson',
    aadObjectId: '0e9d88eb-58b4-4aec-81f2-59c03a2c0cce',
    period: { start: new Date(NOW.getTime() - WEEK_MS), end: NOW },
    workspaces: ['contoso-sentinel'],
    totalEvents: 10,
    bySource: { BehaviorAnalytics: 1, AzureActivity: 3, SigninLogs: 5, AuditLogs: 1 },
    timeline: [7, 6, 5, 4, 3, 2, 1, 0].map((o, i) => ({ day: day(o), count: [0, 0, 2, 0, 1, 0, 3, 4][i] })),
    activities: [
      runCommand,
      {
        ...runCommand,
        source: 'AzureActivity',
        action: 'Microsoft.Compute/virtualMachines/runCommand/action',
        count: 3,
        maxPriority: undefined,
        insights: [],
        statuses: ['Started', 'Accepted', 'Succeeded'],
      },
      {
        ...runCommand,
        source: 'SigninLogs',
        action: 'Sign-in',
        count: 5,
        maxPriority: undefined,
        insights: [],
        statuses: ['Success', '50126 Invalid credentials'],
      },
      {
        ...runCommand,
        source: 'AuditLogs',
        action: 'Reset user password',
        count: 1,
        maxPriority: undefined,
        insights: [],
        statuses: ['success'],
      },
    ],
    signIns: [
      { result: 'Success', count: 4 },
      { result: '50126 Invalid credentials', count: 1 },
    ],
    sourceIps: [{ ip: '91.1.123.184', location: 'DE', count: 10 }],
    resources: [
      {
        resource:
          '/subscriptions/1a954a0f-71f3-41f8-8b79-42e8eaf19ae4/resourcegroups/rg-prod-web/providers/microsoft.compute/virtualmachines/vm-web-01',
        count: 3,
      },
    ],
    insights: [
      { insight: 'FirstTimeUserPerformedAction', count: 1 },
      { insight: 'ActionUncommonlyPerformedByUser', count: 1 },
    ],
    recent: [
      {
        time: new Date(NOW.getTime() - 25 * 60_000),
        source: 'BehaviorAnalytics',
        action: 'Run Command on Virtual Machine',
        target: 'vm-web-01',
        ip: '91.1.123.184',
      },
    ],
    alerts: [
      {
        id: 'FW-12',
        title: 'First Run Command by alice@contoso.com on vm-web-01',
        status: 'acknowledged',
        eventTime: new Date(NOW.getTime() - 20 * 60_000),
        severity: 'High',
      },
    ],
    links: {
      query:
        'https://portal.azure.com/#@contoso.onmicrosoft.com/blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView/resourceId/x/source/LogsBlade.AnalyticsShareLinkToQuery/q/H4sI/timespan/P7D',
      defenderUser: 'https://security.microsoft.com/user?aad=0e9d88eb-58b4-4aec-81f2-59c03a2c0cce',
    },
    query: 'let _upn = tolower(base64_decode_tostring("YWxpY2VAY29udG9zby5jb20="));',
    ...overrides,
  };
}

/** Nothing found for nobody@contoso.com. */
export function emptyReport(): HuntReport {
  return aliceReport({
    upn: 'nobody@contoso.com',
    displayName: undefined,
    aadObjectId: undefined,
    totalEvents: 0,
    bySource: { BehaviorAnalytics: 0, AzureActivity: 0, SigninLogs: 0, AuditLogs: 0 },
    timeline: aliceReport().timeline.map((d) => ({ ...d, count: 0 })),
    activities: [],
    signIns: [],
    sourceIps: [],
    resources: [],
    insights: [],
    recent: [],
    alerts: [],
    links: {},
  });
}

/** Text an attacker controls in the logs (app names, resource names, audit targets). */
export const CRAFTED =
  '<!channel> & <https://evil.example|click> [open](https://evil.example) *bold* _it_ `code` ```block``` > quote\n\u0007';

/** Everything as big and as hostile as the logs can make it. */
export function hugeReport(): HuntReport {
  const long = (i: number): string => `${CRAFTED} ${'x'.repeat(2000)} #${i}`;
  const base = aliceReport();
  return {
    ...base,
    displayName: `${'Very Long Display Name '.repeat(20)}${CRAFTED}`,
    workspaces: Array.from({ length: 30 }, (_, i) => `workspace-${i}-${'w'.repeat(50)}`),
    totalEvents: 123_456,
    bySource: { BehaviorAnalytics: 100_000, AzureActivity: 20_000, SigninLogs: 3_000, AuditLogs: 456, [long(0)]: 0 },
    timeline: Array.from({ length: 91 }, (_, i) => ({
      day: new Date(NOW.getTime() - (90 - i) * 86_400_000).toISOString().slice(0, 10),
      count: (i * 37) % 500,
    })),
    activities: Array.from({ length: 500 }, (_, i) => ({
      source: long(i),
      action: long(i),
      count: 1000 - i,
      first: base.period.start,
      last: NOW,
      ips: Array.from({ length: 20 }, (_, j) => `10.0.${i}.${j}`),
      targets: Array.from({ length: 20 }, () => long(i)),
      statuses: Array.from({ length: 20 }, () => long(i)),
      maxPriority: 10,
      insights: Array.from({ length: 20 }, (_, j) => `FirstTimeInsight${j}${'Z'.repeat(300)}`),
    })),
    signIns: Array.from({ length: 100 }, (_, i) => ({ result: long(i), count: i })),
    sourceIps: Array.from({ length: 100 }, (_, i) => ({ ip: long(i), location: long(i), count: i })),
    resources: Array.from({ length: 100 }, (_, i) => ({ resource: long(i), count: i })),
    insights: Array.from({ length: 100 }, (_, i) => ({ insight: long(i), count: i })),
    recent: Array.from({ length: 500 }, (_, i) => ({
      time: NOW,
      source: long(i),
      action: long(i),
      target: long(i),
      ip: long(i),
      status: long(i),
    })),
    alerts: Array.from({ length: 100 }, (_, i) => ({
      id: `FW-${i}`,
      title: long(i),
      status: 'open' as const,
      eventTime: NOW,
      severity: 'High' as const,
    })),
    links: { query: `https://portal.azure.com/#blade/q/${'A'.repeat(5000)}`, defenderUser: base.links.defenderUser },
  };
}
