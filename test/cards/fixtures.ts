import type { Actor, Alert, AlertStatus, AlertTarget, AuditEntry, Classification, StatusChange } from '../../src/alerts/types';
import type { CardContext } from '../../src/cards/context';
import { storedAlert } from '../support/alert-builder';

/** The clock every card test renders against. */
export const NOW = new Date('2026-11-27T14:14:00Z');
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const WORKSPACE_RESOURCE_ID =
  '/subscriptions/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/la-sec-prod';
export const DETECTION_QUERY = [
  'BehaviorAnalytics',
  '| where TimeGenerated > ago(1h)',
  '| extend ActivityInsights = parse_json(ActivityInsights)',
  "| where ActivityInsights.EventMessage has_any ('runCommand/action', 'extensions/write')",
  '| where ActivityInsights.FirstTimeUserPerformedAction == "True"',
].join('\n');

export const SUBSCRIPTION = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
export const ALEX: Actor = {
  platform: 'teams',
  id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  displayName: 'Alex Wilber',
  email: 'alexw@contoso.com',
};

export function cardContext(overrides: Partial<CardContext> = {}): CardContext {
  return { now: NOW, tenantId: TENANT_ID, workspaceResourceId: WORKSPACE_RESOURCE_ID, detectionQuery: DETECTION_QUERY, ...overrides };
}

export function vmTarget(overrides: Partial<AlertTarget> = {}): AlertTarget {
  return {
    found: true,
    kind: 'azure-vm',
    mechanism: 'Run Command',
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`,
    name: 'vm-web-01',
    resourceGroup: 'rg-prod-web',
    subscriptionId: SUBSCRIPTION,
    operation: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION',
    operationStatus: 'Succeeded',
    correlationId: '6a4b1c2d-0000-4000-8000-000000000001',
    ...overrides,
  };
}

export function arcTarget(overrides: Partial<AlertTarget> = {}): AlertTarget {
  return {
    found: true,
    kind: 'arc-machine',
    mechanism: 'Custom Script Extension',
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-onprem/providers/Microsoft.HybridCompute/machines/srv-dc-02`,
    name: 'srv-dc-02',
    resourceGroup: 'rg-onprem',
    subscriptionId: SUBSCRIPTION,
    operation: 'MICROSOFT.HYBRIDCOMPUTE/MACHINES/EXTENSIONS/WRITE',
    operationStatus: 'Accepted',
    extensionType: 'Microsoft.Compute/CustomScriptExtension',
    ...overrides,
  };
}

/** The seed detection's hit (first-time Run Command), open and untouched, unless overridden. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return storedAlert(12, {
    detectionName: 'Detect first time Azure Custom Script or Run Command deployment',
    title: 'First-time Run Command by alice@contoso.com',
    description: 'An account deployed a Run Command or Custom Script Extension on an Azure or Azure Arc machine for the first time.',
    severity: 'High',
    fingerprint: 'b7c0e1d2:Run Command on Virtual Machine',
    workspace: 'la-sec-prod',
    eventTime: new Date('2026-11-27T14:02:00Z'),
    subject: { upn: 'alice@contoso.com', displayName: 'Alice Smith', aadObjectId: 'a1b2c3d4-e5f6-4789-8abc-def012345678' },
    sourceLocation: 'Amsterdam, NL',
    insights: ['FirstTimeUserPerformedAction', 'ActionUncommonlyPerformedAmongPeers'],
    investigationPriority: 7,
    entities: [
      { type: 'Account', fields: { FullName: 'alice@contoso.com' } },
      { type: 'IP', fields: { Address: '203.0.113.7' } },
    ],
    details: {},
    target: vmTarget(),
    raw: { SourceRecordId: 'b7c0e1d2' },
    createdAt: new Date('2026-11-27T14:05:00Z'),
    updatedAt: new Date('2026-11-27T14:05:00Z'),
    ...overrides,
  });
}

/** The alert after a transition to `status`, as the domain would record it. */
export function alertIn(status: AlertStatus, overrides: Partial<Alert> = {}, change: Partial<StatusChange> = {}): Alert {
  const at = new Date('2026-11-27T14:10:00Z');
  const classification: Classification | undefined = status === 'resolved' ? 'false_positive' : undefined;
  const action = ({ open: 'reopen', acknowledged: 'acknowledge', escalated: 'escalate', resolved: 'resolve' } as const)[status];
  const lastChange: StatusChange = { action, actor: ALEX, at, ...(classification ? { classification } : {}), ...change };
  return makeAlert({
    status,
    version: 2,
    ...(classification ? { classification } : {}),
    lastChange,
    updatedAt: at,
    ...overrides,
  });
}

/** A detection without enrichment (target null): a sign-in rule with entities and custom details. */
export function genericAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    id: 'FW-31',
    detectionId: 'password-spray',
    detectionName: 'Password spray against many accounts',
    title: 'Password spray from 198.51.100.23',
    description: undefined,
    severity: 'Medium',
    tactics: ['CredentialAccess'],
    techniques: ['T1110.003'],
    subject: {},
    action: undefined,
    sourceIp: '198.51.100.23',
    sourceLocation: undefined,
    insights: [],
    investigationPriority: undefined,
    entities: [
      { type: 'IP', fields: { Address: '198.51.100.23' } },
      { type: 'Account', fields: { Name: 'bob', UPNSuffix: 'contoso.com' } },
      { type: 'Host', fields: { HostName: 'ws-042', DnsDomain: 'corp.contoso.com' } },
    ],
    details: { FailedAccounts: '37', DistinctApps: '3', FirstAttempt: '2026-11-27T13:40:11Z' },
    target: null,
    ...overrides,
  });
}

export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: new Date('2026-11-27T14:10:00Z'),
    actor: ALEX,
    action: 'acknowledge',
    alertId: 'FW-12',
    outcome: 'allowed',
    origin: 'teams:19:abc@thread.tacv2',
    ...overrides,
  };
}

/** `n` repetitions of `unit`, cut to exactly `n` characters. */
export function long(n: number, unit = 'x'): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** An alert with every user-controlled field pushed far past any platform limit. */
export function hugeAlert(): Alert {
  const upn = `${long(10_000, 'a_b*')}@contoso.com`;
  const details: Record<string, string> = {};
  for (let i = 0; i < 60; i++) details[`${long(300, 'Key')}${i}`] = long(5_000, '<!channel> & ');
  return alertIn(
    'escalated',
    {
      title: long(5_000, 'Title <@U123> '),
      description: long(20_000, 'desc & <https://evil.example|click> '),
      detectionName: long(2_000, 'Rule '),
      subject: { upn, displayName: long(3_000, 'Name '), aadObjectId: 'a1b2c3d4-e5f6-4789-8abc-def012345678' },
      action: long(3_000, 'Act '),
      sourceIp: long(1_000, '1.'),
      sourceLocation: long(2_000, 'Loc '),
      insights: Array.from({ length: 200 }, (_, i) => `${long(400, 'Insight')}${i}`),
      techniques: Array.from({ length: 60 }, (_, i) => `T${1000 + i}.00${i % 10}`),
      tactics: Array.from({ length: 30 }, () => long(100, 'Tactic')),
      entities: Array.from({ length: 80 }, (_, i) => ({ type: `Type${i}`, fields: { Name: long(2_000, 'n'), Other: long(1_000, 'o') } })),
      details,
      workspace: long(500, 'ws'),
      target: vmTarget({ name: long(2_000, 'vm-'), resourceGroup: long(1_000, 'rg'), mechanism: long(500, 'Mech ') }),
    },
    { note: long(10_000, 'note <!here> ') },
  );
}

/**
 * The shipped Run Command rule's hit as the sample workspace produces it (its title, description,
 * custom details and entities as the rule maps them), enriched with the VM.
 */
export function runCommandHit(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    detectionName: 'First-time Azure Run Command or VM extension deployment by an account',
    title: 'First-time Run Command by alice@contoso.com on an Azure VM',
    description:
      "alice@contoso.com performed Run Command on Virtual Machine for the first time in UEBA's 180-day baseline, from 203.0.113.7.",
    severity: 'Medium',
    subject: { upn: 'alice@contoso.com', displayName: 'alice' },
    action: 'Run Command on Virtual Machine',
    sourceIp: '203.0.113.7',
    sourceLocation: 'Amsterdam, NL',
    insights: ['ActionUncommonlyPerformedAmongPeers', 'FirstTimeUserPerformedAction'],
    investigationPriority: 6,
    tactics: ['LateralMovement', 'Execution'],
    techniques: ['T1021.008', 'T1651'],
    entities: [
      { type: 'Account', fields: { FullName: 'alice@contoso.com' } },
      { type: 'IP', fields: { Address: '203.0.113.7' } },
      { type: 'Host', fields: { HostName: 'vm-web-01' } },
    ],
    details: {
      Mechanism: 'Run Command',
      MachineKind: 'Azure VM',
      Operation: 'Run Command on Virtual Machine',
      EventMessage: 'Microsoft.Compute/virtualMachines/runCommand/action',
      SourceLocation: 'Amsterdam, NL',
      InvestigationPrio: '6',
    },
    ...overrides,
  });
}

/** The shipped sign-in burst rule's hit: an aggregate with a JSON array of result codes and a datetime detail. */
export function signInBurstHit(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    id: 'FW-14',
    detectionId: 'c00cffd5-e6eb-46dc-ba24-34718b29f169',
    detectionName: 'Successful sign-in after a burst of failed password attempts from one IP',
    title: 'bob@contoso.com signed in from 198.51.100.23 after 7 failed attempts',
    description:
      'A successful sign-in to Azure Portal from 198.51.100.23 followed 7 failed password attempts from the same address within the hour.',
    severity: 'High',
    subject: { upn: 'bob@contoso.com', displayName: 'Bob Jones', aadObjectId: '0e9d88eb-58b4-4aec-81f2-59c03a2c0cce' },
    action: undefined,
    sourceIp: '198.51.100.23',
    sourceLocation: undefined,
    insights: [],
    investigationPriority: undefined,
    tactics: ['CredentialAccess', 'InitialAccess'],
    techniques: ['T1110', 'T1078.004'],
    entities: [
      {
        type: 'Account',
        fields: { FullName: 'bob@contoso.com', DisplayName: 'Bob Jones', AadUserId: '0e9d88eb-58b4-4aec-81f2-59c03a2c0cce' },
      },
      { type: 'IP', fields: { Address: '198.51.100.23' } },
      { type: 'Host', fields: { HostName: 'LAPTOP-7Q2' } },
    ],
    details: {
      FailedAttempts: '7',
      FirstFailure: '2026-11-27T13:41:07.000Z',
      FailureCodes: '["50126","50053"]',
      Application: 'Azure Portal',
      Country: 'NL',
    },
    target: null,
    ...overrides,
  });
}
