import type { Actor, NewAlert } from '../../src/alerts/types';

export const DETECTION = 'first-time-run-command';
export const WORKSPACE = 'contoso-sentinel';

export function newAlert(n: number, overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    detectionId: DETECTION,
    detectionName: 'First-time Run Command on a VM',
    title: `Run Command by user${n}@contoso.com`,
    description: 'An account ran a command on a VM for the first time.',
    severity: 'Medium',
    tactics: ['LateralMovement', 'Execution'],
    techniques: ['T1021.008', 'T1651'],
    fingerprint: `rec-${n}|Run Command on Virtual Machine`,
    workspace: WORKSPACE,
    eventTime: new Date(Date.UTC(2026, 10, 27, 12, 0, n % 60)),
    subject: { upn: `User${n}@Contoso.com`, displayName: `User ${n}` },
    action: 'Run Command on Virtual Machine',
    sourceIp: '203.0.113.7',
    insights: ['FirstTimeUserPerformedAction'],
    investigationPriority: 5,
    entities: [{ type: 'Account', fields: { FullName: `user${n}@contoso.com` } }],
    details: { Mechanism: 'Run Command' },
    target: { found: true, kind: 'azure-vm', name: `vm-${n}`, mechanism: 'Run Command' },
    raw: { SourceRecordId: `rec-${n}`, InvestigationPriority: 5 },
    ...overrides,
  };
}

export function person(name: string, email?: string, platform: Actor['platform'] = 'slack'): Actor {
  const actor: Actor = { platform, id: `U${name.toUpperCase()}`, displayName: name };
  if (email !== undefined) actor.email = email;
  return actor;
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(private t = Date.UTC(2026, 10, 27, 14, 2, 0)) {}
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}
