import type { Alert } from '../../src/alerts/types';
import type { CommandReply } from '../../src/alerts/commands';
import {
  ALEX,
  alertIn,
  arcTarget,
  auditEntry,
  genericAlert,
  hugeAlert,
  long,
  makeAlert,
  runCommandHit,
  signInBurstHit,
  vmTarget,
} from './fixtures';

/** Every kind of alert FirstWatch posts, by name. */
export function alertCatalog(): [string, Alert][] {
  return [
    ['open, Azure VM, Run Command', makeAlert()],
    ['acknowledged', alertIn('acknowledged')],
    ['escalated with a note', alertIn('escalated', {}, { note: 'VM owner is on leave — needs the platform team' })],
    ['resolved as false positive', alertIn('resolved', {}, { note: 'planned maintenance, CHG-4411' })],
    ['reopened', alertIn('open', {}, { action: 'reopen' })],
    ['Azure Arc machine, Custom Script Extension', makeAlert({ target: arcTarget(), severity: 'Medium' })],
    ['Managed Run Command', makeAlert({ target: vmTarget({ mechanism: 'Managed Run Command' }), severity: 'Low' })],
    [
      'VM extension, kind inferred from the resource id',
      makeAlert({
        target: vmTarget({
          kind: undefined,
          mechanism: 'VM extension',
          name: undefined,
          resourceGroup: undefined,
          subscriptionId: undefined,
        }),
      }),
    ],
    ['target not found', makeAlert({ target: { found: false } })],
    ['no target (detection without enrichment)', makeAlert({ target: null, severity: 'Informational' })],
    ['generic detection with entities and custom details', genericAlert()],
    ['no subject at all', makeAlert({ subject: {}, insights: [], techniques: [], tactics: [] })],
    [
      'hostile strings',
      makeAlert({
        title: '<!channel> [click](https://evil.example) *bold* & _x_',
        subject: { upn: 'eve<@U123>@contoso.com', displayName: '<https://evil.example|Alex>' },
        details: { '<!here>': '<@U1> & [x](y)' },
      }),
    ],
    ['every field far past the limits', hugeAlert()],
    ['the shipped Run Command rule, as the sample workspace raises it', runCommandHit()],
    [
      'the shipped sign-in burst rule, resolved as true positive',
      signInBurstHit({
        status: 'resolved',
        version: 2,
        classification: 'true_positive',
        lastChange: alertIn('resolved', {}, { classification: 'true_positive' }).lastChange,
      }),
    ],
  ];
}

function manyAlerts(n: number): Alert[] {
  const statuses = ['open', 'acknowledged', 'escalated', 'resolved'] as const;
  return Array.from({ length: n }, (_, i) => alertIn(statuses[i % 4], { id: `FW-${i + 1}`, title: `Alert ${i + 1} ${long(i * 7, 'x')}` }));
}

/** Every command reply kind, with small and large contents. */
export function replyCatalog(): [string, CommandReply][] {
  const audit = Array.from({ length: 40 }, (_, i) =>
    auditEntry({
      at: new Date(Date.UTC(2026, 10, 27, 12, i)),
      action: i % 3 === 0 ? 'view' : 'acknowledge',
      outcome: i % 5 === 0 ? 'refused' : 'allowed',
      detail: i % 5 === 0 ? 'not on the allow-list <!channel>' : undefined,
    }),
  );
  return [
    ['text', { kind: 'text', text: 'FW-12 acknowledged by Alex Wilber.' }],
    ['long text', { kind: 'text', text: long(20_000, 'words & <more> ') }],
    ['error', { kind: 'error', message: 'FW-99 does not exist' }],
    ['alert with a message', { kind: 'alert', alert: alertIn('acknowledged'), message: 'Acknowledged FW-12.' }],
    ['alert without a message', { kind: 'alert', alert: makeAlert() }],
    ['huge alert', { kind: 'alert', alert: hugeAlert(), message: long(5_000, 'msg ') }],
    ['open alerts, none', { kind: 'alerts', alerts: [], scope: 'open' }],
    ['all alerts, few', { kind: 'alerts', alerts: manyAlerts(4), scope: 'all' }],
    ['all alerts, many', { kind: 'alerts', alerts: manyAlerts(120), scope: 'all' }],
    ['alert detail, no audit', { kind: 'alert-detail', alert: makeAlert(), audit: [] }],
    ['alert detail, long audit', { kind: 'alert-detail', alert: alertIn('resolved'), audit }],
    [
      'alert detail, huge',
      {
        kind: 'alert-detail',
        alert: hugeAlert(),
        audit: audit.map((e) => ({ ...e, actor: { ...ALEX, displayName: long(500, 'N ') }, detail: long(2_000, 'd ') })),
      },
    ],
    [
      'help',
      {
        kind: 'help',
        commands: [
          { usage: 'ack <alert-id>', summary: 'Acknowledge an alert' },
          { usage: 'resolve <alert-id> <tp|bp|fp> [note]', summary: 'Resolve with a classification' },
          { usage: 'hunt <upn>', summary: "Search the user's recent activity" },
          { usage: 'list [all]', summary: 'Open alerts (or all)' },
        ],
      },
    ],
    ['hunt request', { kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 7 * 24 * 3600_000, alertId: 'FW-12' } }],
  ];
}
