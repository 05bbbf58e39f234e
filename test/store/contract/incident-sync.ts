import type { Store } from '../../../src/store/store';
import { DETECTION, WORKSPACE, newAlert } from '../../support/alert-builder';
import { TestClock } from '../fixtures';
import { SLACK, ackRequest, type MakeStore } from './support';

const INCIDENT = 'a1b2c3d4-0000-4000-8000-0000000000aa';

/**
 * IncidentSyncStore: an alert linked to a Sentinel incident owes it a write
 * whenever the alert's version is ahead of the version written, so a
 * transition committed before a crash is still written back after it, once.
 */
export function describeIncidentSyncStoreContract(name: string, makeStore: MakeStore): void {
  describe(`IncidentSyncStore contract: ${name}`, () => {
    let store: Store;
    let clock: TestClock;
    let cleanup: (() => Promise<void>) | undefined;
    let alertId: string;

    beforeEach(async () => {
      clock = new TestClock();
      ({ store, cleanup } = await makeStore(clock));
      const [alert] = await store.recordPoll({
        workspace: WORKSPACE,
        detectionId: DETECTION,
        watermark: clock.now(),
        alerts: [newAlert(1)],
        targets: [SLACK],
      });
      alertId = alert.id;
      await store.linkIncident(alertId, WORKSPACE, INCIDENT);
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('owes nothing for a freshly linked alert, and links idempotently', async () => {
      await store.linkIncident(alertId, WORKSPACE, INCIDENT);
      expect(await store.claimDueIncidentWrites(clock.now(), 10)).toEqual([]);
      expect(await store.alertForIncident(WORKSPACE, INCIDENT)).toBe(alertId);
      expect(await store.getIncidentLink(alertId)).toMatchObject({ incidentName: INCIDENT, writtenVersion: 1 });
    });

    it('refuses to link an alert to a second incident or an incident to a second alert', async () => {
      await expect(store.linkIncident(alertId, WORKSPACE, 'b1b2c3d4-0000-4000-8000-0000000000bb')).rejects.toThrow(/already linked/);
      const [other] = await store.recordPoll({
        workspace: WORKSPACE,
        detectionId: DETECTION,
        watermark: clock.now(),
        alerts: [newAlert(2)],
        targets: [SLACK],
      });
      await expect(store.linkIncident(other.id, WORKSPACE, INCIDENT)).rejects.toThrow(/already linked/);
      await expect(store.linkIncident('FW-999', WORKSPACE, 'c1b2c3d4-0000-4000-8000-0000000000cc')).rejects.toThrow(/no alert/);
    });

    it('owes a write once a transition commits, leased to one writer at a time; a crashed lease comes back', async () => {
      await store.transition(ackRequest(alertId, clock.now()));
      const now = clock.now();
      const [a, b] = await Promise.all([store.claimDueIncidentWrites(now, 10), store.claimDueIncidentWrites(now, 10)]);
      expect([...a, ...b]).toEqual([{ alertId, workspace: WORKSPACE, incidentName: INCIDENT, version: 2, attempts: 1 }]);
      expect(await store.claimDueIncidentWrites(now, 10)).toEqual([]);
      const later = new Date(now.getTime() + 61_000);
      expect(await store.claimDueIncidentWrites(later, 10)).toMatchObject([{ alertId, version: 2, attempts: 2 }]);
    });

    it('is settled by markIncidentWritten and owes again only when the alert changes again', async () => {
      await store.transition(ackRequest(alertId, clock.now()));
      const [job] = await store.claimDueIncidentWrites(clock.now(), 10);
      await store.markIncidentWritten(alertId, job.version, 'written');
      const after = new Date(clock.now().getTime() + 120_000);
      expect(await store.claimDueIncidentWrites(after, 10)).toEqual([]);
      expect(await store.getIncidentLink(alertId)).toMatchObject({ writtenVersion: 2, lastOutcome: 'written' });
      // A late "written" for an older version does not move it back.
      await store.markIncidentWritten(alertId, 1, 'written');
      expect((await store.getIncidentLink(alertId))?.writtenVersion).toBe(2);
    });

    it('retries at the time given, and a permanent failure stops retrying that version', async () => {
      await store.transition(ackRequest(alertId, clock.now()));
      const now = clock.now();
      await store.claimDueIncidentWrites(now, 10);
      await store.markIncidentWriteRetry(alertId, 'HTTP 503', new Date(now.getTime() + 30_000));
      expect(await store.claimDueIncidentWrites(new Date(now.getTime() + 29_000), 10)).toEqual([]);
      expect(await store.claimDueIncidentWrites(new Date(now.getTime() + 30_000), 10)).toHaveLength(1);
      await store.markIncidentWriteFailed(alertId, 2, 'HTTP 403 AuthorizationFailed');
      expect(await store.claimDueIncidentWrites(new Date(now.getTime() + 600_000), 10)).toEqual([]);
      expect(await store.getIncidentLink(alertId)).toMatchObject({ lastOutcome: 'failed', lastError: 'HTTP 403 AuthorizationFailed' });
    });
  });
}
