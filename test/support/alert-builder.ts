import type { Alert, NewAlert } from '../../src/alerts/types';

/** The seed detection and the workspace its sample hits come from. */
export const DETECTION = 'first-time-run-command';
export const WORKSPACE = 'contoso-sentinel';

/** When a stored alert was stored, unless a test says otherwise. */
export const STORED_AT = new Date('2026-11-27T14:05:00Z');

/**
 * Hit `n` of the seed detection (a first-time Run Command on vm-n by user n),
 * as the poller hands it to the store. `n` makes the fingerprint, the record
 * and the people distinct; any field can be overridden.
 */
export function newAlert(n = 1, overrides: Partial<NewAlert> = {}): NewAlert {
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

/** The same hit as the store returns it: FW-n, open and untouched, unless overridden. */
export function storedAlert(n = 1, overrides: Partial<Alert> = {}): Alert {
  return { ...newAlert(n), id: `FW-${n}`, status: 'open', version: 1, createdAt: STORED_AT, updatedAt: STORED_AT, ...overrides };
}

/** `value` without `keys` (absent, not undefined): for alerts whose optional fields were never set. */
export function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const k of keys) delete copy[k];
  return copy;
}
