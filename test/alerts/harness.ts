import { AlertService } from '../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import type { AlertStatus, AuditEntry } from '../../src/alerts/types';
import type { Store } from '../../src/store/store';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';
import { TestClock, person } from '../store/fixtures';

export const alex = person('Alex Wilber', 'AlexW@contoso.com');
export const bea = person('Bea Lopez', 'bea@contoso.com', 'teams');

export interface Harness {
  store: SqliteStore;
  clock: TestClock;
  service: AlertService;
}

export async function harness(allow: string[] = [], store?: SqliteStore, clock = new TestClock()): Promise<Harness> {
  const s = store ?? new SqliteStore(':memory:', { clock: clock.now });
  const service = new AlertService({ store: s, clock: clock.now, authorizer: new AllowListAuthorizer(allow) });
  return { store: s, clock, service };
}

export async function seed(store: Store, count: number, clock: TestClock): Promise<void> {
  await store.recordPoll({
    workspace: WORKSPACE,
    detectionId: DETECTION,
    watermark: clock.now(),
    alerts: Array.from({ length: count }, (_, i) => newAlert(i + 1)),
    targets: [
      { platform: 'slack', target: 'C0SEC' },
      { platform: 'teams', target: '19:sec@thread.tacv2' },
    ],
  });
}

/** Drives FW-1 into `status` through the service, as a setup step. */
export async function putInStatus(h: Harness, id: string, status: AlertStatus): Promise<void> {
  const admin = person('Setup', 'setup@contoso.com', 'cli');
  if (status === 'acknowledged') await h.service.acknowledge(id, admin, 'cli');
  if (status === 'escalated') await h.service.escalate(id, admin, 'cli');
  if (status === 'resolved') await h.service.resolve(id, admin, 'cli', 'false_positive');
  const now = await h.store.getAlert(id);
  if (now?.status !== status) throw new Error(`could not put ${id} into ${status}`);
}

/** Every observable row, read through the Store interface. */
/** Alerts and deliveries, without the audit log: what a refusal must leave as it was (it adds only a refused audit line). */
export async function stateOf(store: Store): Promise<unknown> {
  const alerts = await store.listAlerts({ status: 'all', limit: 1000 });
  return { alerts, deliveries: await Promise.all(alerts.map((a) => store.listDeliveries(a.id))) };
}

/** The audit lines written after the first `before` ones. */
export async function auditSince(store: Store, before: number): Promise<AuditEntry[]> {
  return (await store.listAudit({ limit: 1000 })).slice(before);
}

export async function snapshot(store: Store): Promise<unknown> {
  const alerts = await store.listAlerts({ status: 'all', limit: 1000 });
  return {
    alerts,
    audit: await store.listAudit({ limit: 1000 }),
    deliveries: await Promise.all(alerts.map((a) => store.listDeliveries(a.id))),
  };
}
