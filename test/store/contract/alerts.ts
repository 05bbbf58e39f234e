import type { AuditEntry } from '../../../src/alerts/types';
import type { Store } from '../../../src/store/store';
import { DETECTION, WORKSPACE, newAlert } from '../../support/alert-builder';
import { TestClock, person } from '../fixtures';
import { SLACK, TEAMS, ackRequest, alex, snapshot, type MakeStore } from './support';

/**
 * AlertStore: polls (alerts by fingerprint, their first deliveries, the
 * watermark), queries, transitions and the audit log.
 */
export function describeAlertStoreContract(name: string, makeStore: MakeStore): void {
  describe(`AlertStore contract: ${name}`, () => {
    let store: Store;
    let clock: TestClock;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      clock = new TestClock();
      ({ store, cleanup } = await makeStore(clock));
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    const poll = (alerts: ReturnType<typeof newAlert>[], targets = [SLACK, TEAMS], watermark = clock.now()) =>
      store.recordPoll({ workspace: WORKSPACE, detectionId: DETECTION, watermark, alerts, targets });

    describe('recordPoll', () => {
      it('stores new alerts with sequential FW ids, status open, version 1, and round-trips every field', async () => {
        const created = await poll([newAlert(1), newAlert(2)]);
        expect(created.map((a) => a.id)).toEqual(['FW-1', 'FW-2']);
        const stored = await store.getAlert('FW-1');
        expect(stored).toEqual(created[0]);
        expect(stored).toMatchObject({ ...newAlert(1), status: 'open', version: 1, createdAt: clock.now() });
        expect(stored?.lastChange).toBeUndefined();
        expect(stored?.classification).toBeUndefined();
      });

      it('returns what getAlert reads even for values JSON changes (Dates, undefined, NaN, holes, toJSON)', async () => {
        const raw = {
          SourceRecordId: 'rec-1',
          At: new Date('2026-11-27T10:00:00Z'),
          Gone: undefined,
          Odd: [NaN, undefined, -0],
          Custom: { toJSON: () => 'custom' },
        };
        const [created] = await poll([newAlert(1, { raw, insights: ['a', , 'b'] as string[] })]);
        const stored = await store.getAlert('FW-1');
        expect(created).toEqual(stored);
        expect(stored?.raw).toStrictEqual({
          SourceRecordId: 'rec-1',
          At: '2026-11-27T10:00:00.000Z',
          Odd: [null, null, 0],
          Custom: 'custom',
        });
        expect(stored?.insights).toStrictEqual(['a', null, 'b']);
      });

      it('treats a second sighting of a fingerprint as a no-op, within a batch and across polls', async () => {
        const first = await poll([newAlert(1), newAlert(1)]);
        expect(first).toHaveLength(1);
        clock.advance(60_000);
        const second = await poll([newAlert(1, { title: 'changed' }), newAlert(2)]);
        expect(second.map((a) => a.id)).toEqual(['FW-2']);
        expect((await store.getAlert('FW-1'))?.title).toBe(newAlert(1).title);
        expect(await store.listDeliveries('FW-1')).toHaveLength(2);
        expect(await store.listAlerts({ status: 'all', limit: 10 })).toHaveLength(2);
      });

      it('queues one pending delivery per new alert per target (duplicate targets collapse)', async () => {
        await poll([newAlert(1)], [SLACK, TEAMS, { ...SLACK }]);
        const ds = await store.listDeliveries('FW-1');
        expect(ds.map((d) => [d.platform, d.target, d.state, d.attempts])).toEqual([
          ['slack', SLACK.target, 'pending', 0],
          ['teams', TEAMS.target, 'pending', 0],
        ]);
      });

      it('numbers the deliveries alert by alert, targets in the order given, skipping repeat sightings', async () => {
        await poll([newAlert(1)], [SLACK]);
        await poll([newAlert(2), newAlert(1), newAlert(3)], [TEAMS, SLACK]);
        const ids = await Promise.all(
          ['FW-1', 'FW-2', 'FW-3'].map(async (id) => (await store.listDeliveries(id)).map((d) => [d.id, d.platform])),
        );
        expect(ids).toEqual([
          [[1, 'slack']],
          [
            [2, 'teams'],
            [3, 'slack'],
          ],
          [
            [4, 'teams'],
            [5, 'slack'],
          ],
        ]);
      });

      it('advances the watermark, never backwards, even when nothing new was found', async () => {
        expect(await store.getWatermark(WORKSPACE, DETECTION)).toBeUndefined();
        const t1 = new Date('2026-11-27T10:00:00Z');
        const t2 = new Date('2026-11-27T11:00:00Z');
        await poll([], [SLACK], t2);
        expect(await store.getWatermark(WORKSPACE, DETECTION)).toEqual(t2);
        await poll([], [SLACK], t1);
        expect(await store.getWatermark(WORKSPACE, DETECTION)).toEqual(t2);
        expect(await store.getWatermark('other', DETECTION)).toBeUndefined();
      });

      it('writes nothing when an insert fails mid-batch: no alerts, no deliveries, watermark unchanged', async () => {
        const before = new Date('2026-11-27T09:00:00Z');
        await poll([newAlert(1)], [SLACK], before);
        const snap = await snapshot(store, ['FW-1', 'FW-2', 'FW-3']);

        const circular: Record<string, unknown> = { SourceRecordId: 'rec-3' };
        circular.self = circular;
        await expect(
          poll([newAlert(2), newAlert(3, { raw: circular }), newAlert(4)], [SLACK], new Date('2026-11-27T10:00:00Z')),
        ).rejects.toThrow(/alert rec-3.*raw cannot be stored as JSON/);
        expect(await snapshot(store, ['FW-1', 'FW-2', 'FW-3'])).toEqual(snap);

        // The ids the failed batch would have used are handed out again.
        expect((await poll([newAlert(2)])).map((a) => a.id)).toEqual(['FW-2']);
      });

      it('refuses malformed alerts and alerts of another detection, naming the problem, and writes nothing', async () => {
        const snap = await snapshot(store, ['FW-1']);
        await expect(poll([newAlert(1, { eventTime: new Date('nope') })])).rejects.toThrow(/eventTime must be a valid Date/);
        await expect(poll([newAlert(1, { severity: 'Severe' as never })])).rejects.toThrow(/severity/);
        await expect(poll([newAlert(1, { fingerprint: '' })])).rejects.toThrow(/fingerprint/);
        await expect(poll([newAlert(1, { detectionId: 'other' })])).rejects.toThrow(/belongs to/);
        await expect(poll([newAlert(1)], [{ platform: 'irc' as never, target: '#x' }])).rejects.toThrow(/platform/);
        await expect(
          store.recordPoll({ workspace: WORKSPACE, detectionId: DETECTION, watermark: new Date(NaN), alerts: [], targets: [] }),
        ).rejects.toThrow(/watermark/);
        expect(await snapshot(store, ['FW-1'])).toEqual(snap);
      });
    });

    describe('queries', () => {
      it('lists open alerts newest first, all alerts, and finds alerts by subject case-insensitively', async () => {
        await poll([newAlert(1), newAlert(2), newAlert(3)]);
        const r = await store.transition({
          ...ackRequest('FW-2', clock.now()),
          action: 'resolve',
          from: ['open'],
          to: 'resolved',
          classification: 'false_positive',
        });
        expect(r.ok).toBe(true);
        expect((await store.listAlerts({ status: 'open', limit: 10 })).map((a) => a.id)).toEqual(['FW-3', 'FW-1']);
        expect((await store.listAlerts({ status: 'all', limit: 2 })).map((a) => a.id)).toEqual(['FW-3', 'FW-2']);
        expect((await store.findAlertsBySubject('USER2@contoso.COM', 5)).map((a) => a.id)).toEqual(['FW-2']);
        expect(await store.findAlertsBySubject('nobody@contoso.com', 5)).toEqual([]);
        expect(await store.getAlert('FW-99')).toBeUndefined();
        await expect(store.listAlerts({ limit: 0 })).rejects.toThrow(/limit/);
      });

      it("keeps an alert's ingestion time beside its event time, leaves it out when absent, and refuses an invalid one", async () => {
        const ingestionTime = new Date('2026-11-28T14:00:00Z');
        const created = await poll([newAlert(1, { ingestionTime }), newAlert(2)]);
        expect(created[0]?.ingestionTime).toEqual(ingestionTime);
        expect(await store.getAlert('FW-1')).toEqual(created[0]);
        expect((await store.getAlert('FW-2'))?.ingestionTime).toBeUndefined();
        expect(await store.getAlert('FW-2')).toEqual(created[1]);
        await expect(poll([newAlert(3, { ingestionTime: new Date(NaN) })])).rejects.toThrow(/ingestionTime/);
      });

      it('lists alerts awaiting their target, fills one once with a new version, and refuses a target that is still unavailable', async () => {
        const unknown = { found: false, unavailable: 'AzureActivity not available in this workspace' };
        await poll([newAlert(1, { target: unknown }), newAlert(2, { target: { found: false } }), newAlert(3, { target: unknown })]);
        expect((await store.findAlertsAwaitingTarget(DETECTION, WORKSPACE, 10)).map((a) => a.id)).toEqual(['FW-1', 'FW-3']);
        expect(await store.findAlertsAwaitingTarget(DETECTION, 'elsewhere', 10)).toEqual([]);
        const target = {
          found: true,
          kind: 'azure-vm' as const,
          name: 'vm-1',
          resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1',
        };
        const filled = await store.fillTarget('FW-1', target);
        expect(filled).toMatchObject({ id: 'FW-1', target, version: 2 });
        expect(await store.getAlert('FW-1')).toEqual(filled);
        expect(await store.fillTarget('FW-1', { found: false })).toBeUndefined();
        expect(await store.fillTarget('FW-2', target)).toBeUndefined();
        expect(await store.fillTarget('FW-99', target)).toBeUndefined();
        await expect(store.fillTarget('FW-3', unknown)).rejects.toThrow(/cannot be unavailable/);
        expect((await store.findAlertsAwaitingTarget(DETECTION, WORKSPACE, 10)).map((a) => a.id)).toEqual(['FW-3']);
      });

      it("finds a detection's stored alerts by fingerprint, and refuses a malformed lookup", async () => {
        await poll([newAlert(1), newAlert(2), newAlert(3)]);
        const found = await store.findAlertsByFingerprint(DETECTION, [newAlert(3).fingerprint, 'never-stored', newAlert(1).fingerprint]);
        expect(found.map((a) => a.id)).toEqual(['FW-1', 'FW-3']);
        expect(await store.findAlertsByFingerprint('another-detection', [newAlert(1).fingerprint])).toEqual([]);
        expect(await store.findAlertsByFingerprint(DETECTION, [])).toEqual([]);
        await expect(store.findAlertsByFingerprint(DETECTION, [1] as unknown as string[])).rejects.toThrow(/fingerprints/);
        await expect(store.findAlertsByFingerprint('', [])).rejects.toThrow(/detectionId/);
      });

      it('lists only the alerts of the workspaces asked for, and none for an empty list', async () => {
        await poll([newAlert(1)]);
        await store.recordPoll({
          workspace: 'fabrikam',
          detectionId: DETECTION,
          watermark: clock.now(),
          alerts: [{ ...newAlert(2), workspace: 'fabrikam' }],
          targets: [SLACK],
        });
        expect((await store.listAlerts({ status: 'all', workspaces: ['fabrikam'], limit: 10 })).map((a) => a.id)).toEqual(['FW-2']);
        expect((await store.listAlerts({ status: 'open', workspaces: [WORKSPACE], limit: 10 })).map((a) => a.id)).toEqual(['FW-1']);
        expect((await store.listAlerts({ status: 'all', workspaces: [WORKSPACE, 'fabrikam'], limit: 10 })).map((a) => a.id)).toEqual([
          'FW-2',
          'FW-1',
        ]);
        expect(await store.listAlerts({ status: 'all', workspaces: [], limit: 10 })).toEqual([]);
      });
    });

    describe('transition', () => {
      beforeEach(async () => {
        await poll([newAlert(1)]);
      });

      it('applies the change, bumps the version, audits and queues replies in one step', async () => {
        clock.advance(1000);
        const r = await store.transition(ackRequest('FW-1', clock.now()));
        if (!r.ok) throw new Error('expected the transition to apply');
        expect(r.previous.status).toBe('open');
        expect(r.alert).toMatchObject({ status: 'acknowledged', version: 2, updatedAt: clock.now() });
        expect(r.alert.lastChange).toEqual({ action: 'acknowledge', actor: alex, at: clock.now() });
        expect(await store.getAlert('FW-1')).toEqual(r.alert);
        const audit = await store.listAudit({ alertId: 'FW-1', limit: 10 });
        expect(audit).toEqual([
          expect.objectContaining({ action: 'acknowledge', outcome: 'allowed', alertId: 'FW-1', actor: alex, origin: 'slack:C0SEC' }),
        ]);
        // Replies wait for the cards to be posted.
        expect(await store.claimDueReplies(clock.now(), 10)).toEqual([]);
      });

      it('refuses when the status is not an allowed from-status, returning the current alert, and writes nothing', async () => {
        await store.transition(ackRequest('FW-1', clock.now()));
        const snap = await snapshot(store, ['FW-1']);
        const r = await store.transition(ackRequest('FW-1', clock.now(), person('Bea', 'bea@contoso.com')));
        expect(r).toEqual({ ok: false, reason: 'status', alert: await store.getAlert('FW-1') });
        expect(await snapshot(store, ['FW-1'])).toEqual(snap);
        expect(await store.transition(ackRequest('FW-404', clock.now()))).toEqual({ ok: false, reason: 'not_found' });
      });

      it('with ifVersion, refuses when the alert moved on even though the status would still allow it', async () => {
        await store.transition({ ...ackRequest('FW-1', clock.now()), action: 'escalate', from: ['open'], to: 'escalated' });
        const snap = await snapshot(store, ['FW-1']);
        const stale = await store.transition({ ...ackRequest('FW-1', clock.now()), ifVersion: 1 });
        expect(stale).toEqual({ ok: false, reason: 'changed', alert: await store.getAlert('FW-1') });
        expect(await snapshot(store, ['FW-1'])).toEqual(snap);
        const fresh = await store.transition({ ...ackRequest('FW-1', clock.now()), ifVersion: 2 });
        expect(fresh.ok && fresh.alert.version).toBe(3);
      });

      it('sets and clears the classification (null clears, undefined keeps)', async () => {
        const resolve = {
          ...ackRequest('FW-1', clock.now()),
          action: 'resolve' as const,
          from: ['open' as const],
          to: 'resolved' as const,
        };
        const r1 = await store.transition({ ...resolve, classification: 'benign_positive' });
        expect(r1.ok && r1.alert.classification).toBe('benign_positive');
        const r2 = await store.transition({ ...resolve, from: ['resolved'], to: 'resolved' });
        expect(r2.ok && r2.alert.classification).toBe('benign_positive');
        const r3 = await store.transition({ ...resolve, action: 'reopen', from: ['resolved'], to: 'open', classification: null });
        expect(r3.ok && r3.alert.classification).toBeUndefined();
        expect(r3.ok && r3.alert.version).toBe(4);
      });

      it('is a compare-and-set: of many concurrent identical transitions exactly one applies', async () => {
        const actors = ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => person(n, `${n.toLowerCase()}@contoso.com`));
        const results = await Promise.all(actors.map((a) => store.transition(ackRequest('FW-1', clock.now(), a))));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        const alert = await store.getAlert('FW-1');
        expect(alert?.version).toBe(2);
        expect(await store.listAudit({ alertId: 'FW-1', limit: 10 })).toHaveLength(1);
        const winner = results.find((r) => r.ok);
        expect(winner?.ok && winner.alert.lastChange?.actor).toEqual(alert?.lastChange?.actor);
      });
    });

    describe('audit log', () => {
      it('appends entries and lists the newest ones, oldest first, by alert or all', async () => {
        const entry = (n: number, alertId?: string): AuditEntry => ({
          at: new Date(clock.now().getTime() + n),
          actor: alex,
          action: 'acknowledge',
          outcome: 'refused',
          origin: 'cli',
          detail: `attempt ${n}`,
          ...(alertId ? { alertId } : {}),
        });
        const saved = await store.appendAudit(entry(1, 'FW-7'));
        expect(saved).toEqual({ ...entry(1, 'FW-7'), id: expect.any(Number) });
        await store.appendAudit(entry(2));
        await store.appendAudit(entry(3, 'FW-7'));
        expect((await store.listAudit({ alertId: 'FW-7', limit: 10 })).map((e) => e.detail)).toEqual(['attempt 1', 'attempt 3']);
        expect((await store.listAudit({ limit: 2 })).map((e) => e.detail)).toEqual(['attempt 2', 'attempt 3']);
        await expect(store.appendAudit({ ...entry(4), outcome: 'maybe' as never })).rejects.toThrow(/outcome/);
        await expect(store.appendAudit({ ...entry(4), actor: { platform: 'slack', id: '', displayName: 'x' } })).rejects.toThrow(
          /actor.id/,
        );
      });
    });
  });
}
