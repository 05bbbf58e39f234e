import type { Actor, StatusChange } from '../../src/alerts/types';
import { IncidentWriter } from '../../src/incidents/incident-writer';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { TransitionRequest } from '../../src/store/store';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';
import { TestClock } from '../store/fixtures';
import { startIncidentRig, WS, type IncidentRig } from './support';

const INCIDENT = 'a1b2c3d4-0000-4000-8000-0000000000aa';
const ALICE: Actor = { platform: 'teams', id: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', displayName: 'Alice', email: 'alice@contoso.com' };

let clock: TestClock;
let store: SqliteStore;
let rig: IncidentRig;
let alertId: string;

function writer(s: ConstructorParameters<typeof IncidentWriter>[0]['store'] = store): IncidentWriter {
  const client = rig.client({ maxRetries: 0 });
  return new IncidentWriter({
    store: s,
    clientFor: (ws) => (ws === WORKSPACE ? client : undefined),
    clock: clock.now,
    retryBaseMs: 1000,
    retryMaxMs: 1000,
    random: () => 0,
  });
}

function transition(action: 'acknowledge' | 'resolve'): TransitionRequest {
  const at = clock.now();
  const change: StatusChange =
    action === 'acknowledge' ? { action, actor: ALICE, at } : { action, actor: ALICE, at, classification: 'false_positive' };
  return {
    alertId,
    action,
    from: action === 'acknowledge' ? ['open'] : ['open', 'acknowledged', 'escalated'],
    to: action === 'acknowledge' ? 'acknowledged' : 'resolved',
    change,
    ...(action === 'resolve' ? { classification: 'false_positive' as const } : {}),
    audit: { at, actor: ALICE, action, origin: 'teams:19:sec', detail: action },
  };
}

const incident = () => rig.standIn.peek(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, INCIDENT);
const incidentPuts = () => rig.standIn.writes.filter((w) => !w.path.includes('/comments/'));

beforeEach(async () => {
  clock = new TestClock();
  store = new SqliteStore(':memory:', { clock: clock.now });
  rig = await startIncidentRig(clock.now);
  rig.seed(INCIDENT);
  const [alert] = await store.recordPoll({
    workspace: WORKSPACE,
    detectionId: DETECTION,
    watermark: clock.now(),
    alerts: [newAlert(1)],
    targets: [{ platform: 'slack', target: 'C0SEC' }],
  });
  alertId = alert.id;
  await store.linkIncident(alertId, WORKSPACE, INCIDENT);
  const [work] = await store.claimDueDeliveries(clock.now(), 10);
  await store.markPosted(work.delivery.id, { platform: 'slack', target: 'C0SEC', messageId: '1700.1' }, 1);
});
afterEach(async () => {
  await store.close();
  await rig.close();
});

describe('the incident writer: chat decisions reach Sentinel through the outbox', () => {
  it('writes an acknowledgement committed in the store, then owes nothing', async () => {
    expect((await store.transition(transition('acknowledge'))).ok).toBe(true);
    expect(await writer().runOnce()).toEqual({ written: 1, retried: 0, failed: 0 });
    expect(incident()?.incident.properties).toMatchObject({ status: 'Active', owner: { objectId: ALICE.id } });
    expect(await writer().runOnce()).toEqual({ written: 0, retried: 0, failed: 0 });
    expect(await store.getIncidentLink(alertId)).toMatchObject({ writtenVersion: 2, lastOutcome: 'written' });
  });

  it('loses nothing when the writer crashes after claiming, and writes once when the lease runs out', async () => {
    await store.transition(transition('resolve'));
    await store.claimDueIncidentWrites(clock.now(), 10); // a writer that died here
    expect(await writer().runOnce()).toEqual({ written: 0, retried: 0, failed: 0 });
    expect(incidentPuts()).toHaveLength(0);
    clock.advance(61_000);
    expect((await writer().runOnce()).written).toBe(1);
    expect(incident()?.incident.properties).toMatchObject({
      status: 'Closed',
      classification: 'FalsePositive',
      classificationReason: 'IncorrectAlertLogic',
    });
    expect(incidentPuts()).toHaveLength(1);
  });

  it('writes once when the writer crashes after writing but before settling', async () => {
    await store.transition(transition('resolve'));
    const crashing = Object.create(store) as SqliteStore;
    crashing.markIncidentWritten = async () => {
      throw new Error('process killed');
    };
    await expect(writer(crashing).runOnce()).rejects.toThrow('process killed');
    clock.advance(61_000);
    expect((await writer().runOnce()).written).toBe(1);
    expect(incidentPuts()).toHaveLength(1);
    expect(incident()?.comments).toHaveLength(1);
  });

  it('retries a write the service could not take (503), later, and then writes it', async () => {
    await store.transition(transition('acknowledge'));
    rig.server.faults.next({ status: 503 });
    expect(await writer().runOnce()).toEqual({ written: 0, retried: 1, failed: 0 });
    expect(await store.getIncidentLink(alertId)).toMatchObject({ lastError: expect.stringMatching(/503/) });
    expect((await writer().runOnce()).written).toBe(0);
    clock.advance(1000);
    expect((await writer().runOnce()).written).toBe(1);
    expect(incident()?.incident.properties.status).toBe('Active');
  });

  it('keeps a portal close over a late acknowledgement and says so under the card', async () => {
    rig.portal(INCIDENT, { status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity' });
    await store.transition(transition('acknowledge'));
    await writer().runOnce();
    expect(incident()?.incident.properties.status).toBe('Closed');
    expect(await store.getIncidentLink(alertId)).toMatchObject({ lastOutcome: 'superseded: portal-closed' });
    expect((await store.claimDueReplies(clock.now(), 10)).map((r) => r.text)).toEqual([
      expect.stringMatching(/closed in the portal meanwhile/),
    ]);
  });

  it('gives up on a refusal that retrying cannot fix (403) and records why', async () => {
    await store.transition(transition('acknowledge'));
    rig.server.faults.next({ status: 403 });
    expect(await writer().runOnce()).toEqual({ written: 0, retried: 0, failed: 1 });
    expect(await store.getIncidentLink(alertId)).toMatchObject({ lastOutcome: 'failed', lastError: expect.stringMatching(/403/) });
    expect((await store.claimDueReplies(clock.now(), 10)).map((r) => r.text)).toEqual([
      expect.stringMatching(/^Sentinel write-back failed \(forbidden\)/),
    ]);
  });
});
