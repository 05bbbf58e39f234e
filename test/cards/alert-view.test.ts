import { toAlertView } from '../../src/cards/alert-view';
import { describeStatus } from '../../src/cards/status';
import { humaniseInsight } from '../../src/cards/insights';
import { techniqueRef } from '../../src/cards/mitre';
import { formatRelative, formatUtc } from '../../src/time/when';
import { ALEX, NOW, alertIn, arcTarget, cardContext, genericAlert, makeAlert, runCommandHit, signInBurstHit, vmTarget } from './fixtures';

const verbs = (a: ReturnType<typeof toAlertView>) => a.actions.map((x) => x.verb);
const fact = (v: ReturnType<typeof toAlertView>, label: string) => v.facts.find((f) => f.label === label)?.value;

describe('toAlertView', () => {
  it('shows who, what, where, when and from where for the seed detection', () => {
    const v = toAlertView(makeAlert(), cardContext());
    expect(v.title).toBe('First-time Run Command by alice@contoso.com');
    expect(v.severity).toMatchObject({ level: 'High', emoji: '🔴', colour: 'attention' });
    expect(v.who).toEqual({ upn: 'alice@contoso.com', displayName: 'Alice Smith', text: 'Alice Smith (alice@contoso.com)' });
    expect(v.what).toMatchObject({ action: 'Run Command on Virtual Machine', mechanism: 'Run Command', outcome: 'Succeeded' });
    expect(v.target).toMatchObject({
      found: true,
      kind: 'azure-vm',
      kindLabel: 'Azure VM',
      name: 'vm-web-01',
      resourceGroup: 'rg-prod-web',
    });
    // A posted card would freeze a relative time ("12 min ago"): the view gives the point in time instead.
    expect(v.when.text).toBe('14:02 UTC');
    expect(v.when.at).toEqual(new Date('2026-11-27T14:02:00Z'));
    expect(v.source?.text).toBe('203.0.113.7 · Amsterdam, NL');
    expect(v.investigationPriority).toBe(7);
    expect(v.insights[0]).toEqual({ key: 'FirstTimeUserPerformedAction', text: 'First time this user performed this action' });
    expect(v.techniques[0]).toEqual({
      id: 'T1021.008',
      name: 'Remote Services: Direct Cloud VM Connections',
      url: 'https://attack.mitre.org/techniques/T1021/008/',
    });
    expect(v.workspace).toBe('la-sec-prod');
    // At a glance: who, what, which machine, when, from where; the rest behind Details.
    expect(v.facts.map((f) => f.label)).toEqual(['User', 'Action', 'Machine', 'When', 'Source']);
    expect(fact(v, 'Action')).toBe('Run Command on Virtual Machine (Succeeded)');
    expect(v.moreFacts.map((f) => f.label)).toEqual(['Investigation priority', 'Resource group', 'Subscription', 'Workspace', 'Rule']);
    expect(v.state).toMatchObject({ status: 'open', word: 'Open', icon: '🚨', tone: 'attention' });
    expect(v.statusLine).toBe('Open');
  });

  it('tells an Azure Arc machine from an Azure VM, also when only the resource id says so', () => {
    const arc = toAlertView(makeAlert({ target: arcTarget() }), cardContext());
    expect(arc.target).toMatchObject({ kind: 'arc-machine', kindLabel: 'Azure Arc machine', text: 'Azure Arc machine srv-dc-02' });
    expect(arc.what?.mechanism).toBe('Custom Script Extension');
    expect(arc.links.find((l) => l.kind === 'azure-resource')?.label).toBe('Machine in Azure portal');

    const inferred = toAlertView(
      makeAlert({ target: arcTarget({ kind: undefined, name: undefined, resourceGroup: undefined, subscriptionId: undefined }) }),
      cardContext(),
    );
    expect(inferred.target).toMatchObject({
      kind: 'arc-machine',
      name: 'srv-dc-02',
      resourceGroup: 'rg-onprem',
      subscriptionId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
    });
    const vm = toAlertView(makeAlert({ target: vmTarget({ kind: undefined }) }), cardContext());
    expect(vm.target).toMatchObject({ kind: 'azure-vm' });
  });

  it('says "Target not found" when enrichment found nothing, and nothing when there was no enrichment', () => {
    const notFound = toAlertView(makeAlert({ target: { found: false } }), cardContext());
    // Said once, with why.
    const why = 'Not found: AzureActivity shows no Run Command or extension write by this account around that time';
    expect(notFound.target).toEqual({ found: false, text: why });
    expect(fact(notFound, 'Machine')).toBe(why);
    expect(notFound.links.map((l) => l.kind)).not.toContain('azure-resource');

    const none = toAlertView(makeAlert({ target: null }), cardContext());
    expect(none.target).toBeNull();
    expect(fact(none, 'Target')).toBeUndefined();
    expect(none.facts.map((f) => f.label)).not.toContain('Resource group');
  });

  it('carries entities and custom details of other detections', () => {
    const v = toAlertView(genericAlert(), cardContext());
    expect(v.who).toBeUndefined();
    expect(v.what).toBeUndefined();
    // The IP is the Source and the host the Device at a glance; entities say only what is not shown yet.
    expect(fact(v, 'Device')).toBe('ws-042');
    expect(v.entities).toEqual([
      { type: 'Account', text: 'bob@contoso.com' },
      { type: 'Host', text: 'DNS domain corp.contoso.com' },
    ]);
    expect(v.details).toEqual([
      { label: 'Failed accounts', value: '37' },
      { label: 'Distinct apps', value: '3' },
      { label: 'First attempt', value: '13:40 UTC', at: new Date('2026-11-27T13:40:11Z') },
    ]);
    expect(v.techniques[0]).toEqual({ id: 'T1110.003', url: 'https://attack.mitre.org/techniques/T1110/003/' });
  });

  it('says no value twice and reads custom details of the shipped rules as a person would', () => {
    const run = toAlertView(runCommandHit(), cardContext());
    // Mechanism, MachineKind, Operation, SourceLocation and InvestigationPrio are already on the card.
    expect(run.details).toEqual([{ label: 'Azure operation', value: 'Microsoft.Compute/virtualMachines/runCommand/action' }]);
    expect(run.entities).toEqual([]);
    expect(fact(run, 'User')).toBe('alice@contoso.com');
    const signIn = toAlertView(signInBurstHit(), cardContext());
    expect(signIn.details).toEqual([
      { label: 'Failed attempts', value: '7' },
      { label: 'First failure', value: '13:41 UTC', at: new Date('2026-11-27T13:41:07Z') },
      {
        label: 'Failure codes',
        value: '50126 — invalid username or password, 50053 — account locked or sign-in blocked after too many attempts',
      },
      { label: 'Application', value: 'Azure Portal' },
      { label: 'Country', value: 'NL' },
    ]);
    expect(signIn.entities).toEqual([{ type: 'Account', text: 'Entra object ID 0e9d88eb-58b4-4aec-81f2-59c03a2c0cce' }]);
  });

  it.each([
    ['acknowledged', {}, 'Acknowledged by Alex Wilber'],
    ['escalated', { to: 'on-call' }, 'Escalated by Alex Wilber to on-call'],
    ['escalated', {}, 'Escalated by Alex Wilber; no escalation target is set up'],
  ] as const)('says who changed the state when %s, and to whom an escalation went', (status, mark, by) => {
    const base = alertIn(status);
    const escalation = status === 'escalated' ? { escalation: { by: 'Alex Wilber', at: base.lastChange!.at.toISOString(), ...mark } } : {};
    const v = toAlertView({ ...base, lastChange: { ...base.lastChange!, ...escalation } }, cardContext());
    expect(v.state.by).toBe(by);
    expect(v.state.at).toEqual(base.lastChange!.at);
  });

  it.each([
    ['open', ['ack', 'escalate', 'resolve', 'hunt']],
    ['acknowledged', ['escalate', 'resolve', 'hunt']],
    ['escalated', ['ack', 'resolve', 'hunt']],
    ['resolved', ['reopen', 'hunt']],
  ] as const)('offers only the actions valid when %s', (status, expected) => {
    const v = toAlertView(alertIn(status), cardContext());
    expect(verbs(v)).toEqual(expected);
    for (const a of v.actions) expect(a.payload).toEqual({ verb: a.verb, alertId: 'FW-12', version: 2 });
    expect(v.actions.filter((a) => a.input).map((a) => a.verb)).toEqual(expected.filter((x) => x === 'escalate' || x === 'resolve'));
  });

  it('offers hunt only when the alert names a user principal name', () => {
    expect(
      verbs(
        toAlertView(makeAlert({ subject: { displayName: 'Alice', aadObjectId: 'a1b2c3d4-e5f6-4789-8abc-def012345678' } }), cardContext()),
      ),
    ).toEqual(['ack', 'escalate', 'resolve']);
    expect(verbs(toAlertView(alertIn('resolved', { subject: { upn: '  ' } }), cardContext()))).toEqual(['reopen']);
  });

  it('links the user in Defender only when both the object id and the tenant are known', () => {
    const both = toAlertView(makeAlert(), cardContext());
    expect(both.links.find((l) => l.kind === 'defender-user')?.url).toBe(
      'https://security.microsoft.com/user?aad=a1b2c3d4-e5f6-4789-8abc-def012345678&tid=72f988bf-86f1-41af-91ab-2d7cd011db47',
    );
    const noTenant = toAlertView(makeAlert(), cardContext({ tenantId: undefined }));
    expect(noTenant.links.map((l) => l.kind)).not.toContain('defender-user');
    const noObjectId = toAlertView(makeAlert({ subject: { upn: 'alice@contoso.com' } }), cardContext());
    expect(noObjectId.links.map((l) => l.kind)).not.toContain('defender-user');
  });

  it('links the resource in the Azure portal, with the tenant when known', () => {
    const v = toAlertView(makeAlert(), cardContext());
    expect(v.links.find((l) => l.kind === 'azure-resource')?.url).toBe(
      'https://portal.azure.com/#@72f988bf-86f1-41af-91ab-2d7cd011db47/resource/subscriptions/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachines/vm-web-01',
    );
    const noTenant = toAlertView(makeAlert(), { now: NOW });
    expect(noTenant.links).toEqual([
      {
        kind: 'azure-resource',
        label: 'VM in Azure portal',
        url: expect.stringMatching(/^https:\/\/portal\.azure\.com\/#resource\/subscriptions\//),
      },
    ]);
  });

  it('renders the status line of each state', () => {
    expect(toAlertView(alertIn('acknowledged'), cardContext()).statusLine).toBe('Acknowledged by Alex Wilber · 14:10 UTC');
    expect(toAlertView(alertIn('escalated', {}, { note: 'call the VM owner' }), cardContext()).statusLine).toBe(
      'Escalated by Alex Wilber · 14:10 UTC · “call the VM owner”',
    );
    expect(toAlertView(alertIn('resolved'), cardContext()).statusLine).toBe('Resolved as false positive by Alex Wilber · 14:10 UTC');
    expect(toAlertView(alertIn('open', {}, { action: 'reopen' }), cardContext()).statusLine).toBe('Reopened by Alex Wilber · 14:10 UTC');
  });
});

describe('describeStatus', () => {
  it('shows the date when the change was on another day, and the classification of a resolve', () => {
    const at = new Date('2026-11-25T09:05:00Z');
    expect(
      describeStatus(
        {
          status: 'resolved',
          classification: 'benign_positive',
          lastChange: { action: 'resolve', actor: ALEX, at, classification: 'benign_positive' },
        },
        NOW,
      ),
    ).toBe('Resolved as benign positive by Alex Wilber · 25 Nov 09:05 UTC');
    expect(describeStatus({ status: 'resolved', classification: 'true_positive' }, NOW)).toBe('Resolved as true positive');
    expect(describeStatus({ status: 'open' }, NOW)).toBe('Open');
    expect(
      describeStatus(
        { status: 'acknowledged', lastChange: { action: 'acknowledge', actor: ALEX, at: new Date('2025-12-31T23:59:00Z') } },
        NOW,
      ),
    ).toBe('Acknowledged by Alex Wilber · 31 Dec 2025 23:59 UTC');
  });
});

describe('small formatters', () => {
  it('humanises known and unknown UEBA insight keys', () => {
    expect(humaniseInsight('FirstTimeUserPerformedAction')).toBe('First time this user performed this action');
    expect(humaniseInsight('FirstTimeUserConnectedViaISP')).toBe('First time this user connected via this ISP');
    expect(humaniseInsight('UnusualNumberOfAADConnections')).toBe('Unusual number of AAD connections');
    expect(humaniseInsight('some_snake_key')).toBe('Some snake key');
  });

  it('links MITRE techniques and sub-techniques and leaves other ids unlinked', () => {
    expect(techniqueRef('T1651').url).toBe('https://attack.mitre.org/techniques/T1651/');
    expect(techniqueRef('t1021.008').url).toBe('https://attack.mitre.org/techniques/T1021/008/');
    expect(techniqueRef('TA0008')).toEqual({ id: 'TA0008' });
    expect(techniqueRef('T1021.008/../../x')).toEqual({ id: 'T1021.008/../../x' });
  });

  it('formats UTC and relative times', () => {
    expect(formatUtc(new Date('2026-11-27T14:02:59Z'), NOW)).toBe('14:02 UTC');
    expect(formatRelative(new Date('2026-11-27T14:13:30Z'), NOW)).toBe('just now');
    expect(formatRelative(new Date('2026-11-27T11:00:00Z'), NOW)).toBe('3 h 14 min ago');
    expect(formatRelative(new Date('2026-11-26T14:14:00Z'), NOW)).toBe('24 h ago');
    expect(formatRelative(new Date('2026-11-20T14:14:00Z'), NOW)).toBe('7 days ago');
    expect(formatRelative(new Date('2026-11-27T14:19:00Z'), NOW)).toBe('in 5 min');
  });
});

describe('damaged stored data', () => {
  it('renders an alert whose dates did not parse instead of throwing', () => {
    const bad = new Date('not a date');
    const v = toAlertView(alertIn('acknowledged', { eventTime: bad }, { at: bad }), cardContext());
    expect(v.when).toEqual({ iso: '', utc: 'unknown time', text: 'unknown time' });
    expect(v.statusLine).toBe('Acknowledged by Alex Wilber · unknown time');
  });
});
