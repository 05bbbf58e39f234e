import { IncidentWriter } from '../../src/incidents/incident-writer';
import { applyIncidentState, followPortalChanges } from '../../src/incidents/portal-follower';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';
import { TestClock } from '../store/fixtures';
import { startIncidentRig, type IncidentRig } from './support';

const INCIDENT = 'a1b2c3d4-0000-4000-8000-0000000000aa';
const SLACK = { platform: 'slack' as const, target: 'C0SEC' };

let clock: TestClock;
let store: SqliteStore;
let rig: IncidentRig;
let alertId: string;

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
    targets: [SLACK],
  });
  alertId = alert.id;
  await store.linkIncident(alertId, WORKSPACE, INCIDENT);
  const [work] = await store.claimDueDeliveries(clock.now(), 10);
  await store.markPosted(work.delivery.id, { platform: 'slack', target: SLACK.target, messageId: '1700.1' }, 1);
});
afterEach(async () => {
  await store.close();
  await rig.close();
});

const follow = (since: Date) => followPortalChanges({ client: rig.client(), store, workspace: WORKSPACE, since, now: clock.now() });

describe('changes made in the Sentinel portal come back to FirstWatch', () => {
  it('closing the incident in the portal resolves the alert with its classification and makes every card stale for a redraw', async () => {
    const since = clock.now();
    clock.advance(60_000);
    rig.portal(INCIDENT, {
      status: 'Closed',
      classification: 'FalsePositive',
      classificationReason: 'InaccurateData',
      owner: { userPrincipalName: 'carol@contoso.com' },
    });
    const pass = await follow(since);
    expect(pass.applied).toEqual([alertId]);
    expect(pass.watermark).toEqual(clock.now());
    const alert = await store.getAlert(alertId);
    expect(alert).toMatchObject({ status: 'resolved', classification: 'false_positive' });
    expect(alert?.lastChange?.actor.displayName).toBe('Sentinel portal (carol@contoso.com)');
    const stale = await store.staleCards(10, clock.now());
    expect(stale.map((w) => [w.delivery.alertId, w.alert.status])).toEqual([[alertId, 'resolved']]);
  });

  it('does not write a portal change back to Sentinel', async () => {
    const since = clock.now();
    clock.advance(60_000);
    rig.portal(INCIDENT, { status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity' });
    await follow(since);
    const client = rig.client();
    await new IncidentWriter({ store, clientFor: () => client, clock: clock.now }).runOnce();
    expect(rig.standIn.writes).toEqual([]);
  });

  it('reads nothing twice: a second pass from the returned watermark applies nothing', async () => {
    const since = clock.now();
    clock.advance(60_000);
    rig.portal(INCIDENT, { status: 'Active' });
    const first = await follow(since);
    expect(first.applied).toEqual([alertId]);
    expect((await store.getAlert(alertId))?.status).toBe('acknowledged');
    expect((await follow(first.watermark)).applied).toEqual([]);
  });
});

describe('incident states read from SecurityIncident records', () => {
  const ALICE = {
    platform: 'teams' as const,
    id: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
    displayName: 'Alice',
    email: 'alice@contoso.com',
  };
  const active = (name: string) => ({
    id: '',
    name,
    type: 'Microsoft.SecurityInsights/Incidents',
    etag: '',
    properties: { title: 't', severity: 'Medium' as const, status: 'Active' as const },
  });

  async function resolveInChat(): Promise<void> {
    const at = clock.now();
    const change = { action: 'resolve' as const, actor: ALICE, at, classification: 'true_positive' as const };
    await store.transition({
      alertId,
      action: 'resolve',
      from: ['open'],
      to: 'resolved',
      classification: 'true_positive',
      change,
      audit: { at, actor: ALICE, action: 'resolve', origin: 'teams:19:sec' },
    });
    // Written back: nothing is owed to the incident any more.
    await store.markIncidentWritten(alertId, 2, 'written');
  }

  it("a record older than the alert's last change (arriving late) does not undo it", async () => {
    const before = new Date(clock.now().getTime() - 1);
    await resolveInChat();
    const moved = await applyIncidentState({
      store,
      workspace: WORKSPACE,
      incident: active(INCIDENT),
      now: clock.now(),
      recordedAt: before,
    });
    expect(moved).toBeUndefined();
    expect((await store.getAlert(alertId))?.status).toBe('resolved');
  });

  it('a record newer than it (made active again in the portal) reopens the alert', async () => {
    await resolveInChat();
    clock.advance(60_000);
    const moved = await applyIncidentState({
      store,
      workspace: WORKSPACE,
      incident: active(INCIDENT),
      now: clock.now(),
      recordedAt: clock.now(),
    });
    expect(moved).toBe(alertId);
    expect((await store.getAlert(alertId))?.status).toBe('acknowledged');
  });
});
