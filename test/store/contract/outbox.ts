import type { Store } from '../../../src/store/store';
import type { DigestOutcome } from '../../../src/store/outbox-store';
import { DETECTION, WORKSPACE, newAlert } from '../../support/alert-builder';
import { TestClock } from '../fixtures';
import { SLACK, TEAMS, ackRequest, ref, type MakeStore } from './support';

/**
 * OutboxStore: deliveries and their leases, card versions, escalation copies,
 * storm digests and thread replies. Alerts are put in through recordPoll and
 * moved through transition, as in production.
 */
export function describeOutboxStoreContract(name: string, makeStore: MakeStore): void {
  describe(`OutboxStore contract: ${name}`, () => {
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

    describe('delivery outbox', () => {
      beforeEach(async () => {
        await poll([newAlert(1), newAlert(2)]);
      });

      it('claims due deliveries once per lease, counting attempts, with the alert attached', async () => {
        const now = clock.now();
        const [a, b] = await Promise.all([store.claimDueDeliveries(now, 3), store.claimDueDeliveries(now, 3)]);
        expect(a.map((w) => w.delivery.id)).toHaveLength(3);
        expect(b.map((w) => w.delivery.id)).toHaveLength(1);
        const ids = [...a, ...b].map((w) => w.delivery.id);
        expect(new Set(ids).size).toBe(4);
        expect(a[0].alert.id).toBe(a[0].delivery.alertId);
        expect(a[0].delivery.attempts).toBe(1);
        expect(await store.claimDueDeliveries(now, 10)).toEqual([]);
        // A crashed dispatcher's lease runs out and the work comes back.
        const later = new Date(now.getTime() + 61_000);
        expect(await store.claimDueDeliveries(later, 10)).toHaveLength(4);
      });

      it('does not claim deliveries that are not yet due', async () => {
        expect(await store.claimDueDeliveries(new Date(clock.now().getTime() - 1), 10)).toEqual([]);
      });

      it('marks posted, retry (due later), failed (never again) and waiting (until released)', async () => {
        const now = clock.now();
        const work = await store.claimDueDeliveries(now, 10);
        const [d1, d2, d3, d4] = work.map((w) => w.delivery.id);
        await store.markPosted(d1, ref('slack', '1700.1'), 1);
        await store.markRetry(d2, 'HTTP 429', new Date(now.getTime() + 30_000));
        await store.markFailed(d3, 'channel_is_archived');
        await store.markWaiting(d4, 'not_in_channel');

        const all = [...(await store.listDeliveries('FW-1')), ...(await store.listDeliveries('FW-2'))];
        const byId = new Map(all.map((d) => [d.id, d]));
        expect(byId.get(d1)).toMatchObject({ state: 'posted', ref: ref('slack', '1700.1'), renderedVersion: 1 });
        expect(byId.get(d2)).toMatchObject({ state: 'failed', lastError: 'HTTP 429', nextAttemptAt: new Date(now.getTime() + 30_000) });
        expect(byId.get(d3)).toMatchObject({ state: 'failed', lastError: 'channel_is_archived' });
        expect(byId.get(d3)?.nextAttemptAt).toBeUndefined();
        expect(byId.get(d4)).toMatchObject({ state: 'waiting', lastError: 'not_in_channel' });

        const much = new Date(now.getTime() + 3_600_000);
        expect((await store.claimDueDeliveries(much, 10)).map((w) => w.delivery.id)).toEqual([d2]);
        const d4Target = byId.get(d4)!;
        expect(await store.releaseWaiting(d4Target.platform, d4Target.target)).toBe(1);
        expect((await store.claimDueDeliveries(much, 10)).map((w) => w.delivery.id)).toEqual([d4]);
      });

      it('refuses marks on unknown deliveries and malformed refs', async () => {
        await expect(store.markPosted(999, ref('slack', '1'), 1)).rejects.toThrow(/no delivery 999/);
        await expect(store.markPosted(1, { platform: 'slack', target: 'C', messageId: '' }, 1)).rejects.toThrow(/messageId/);
        await expect(store.markRetry(1, 'x', new Date(NaN))).rejects.toThrow(/nextAttemptAt/);
        await expect(store.markPosted(1, ref('slack', '1'), -1)).rejects.toThrow(/renderedVersion/);
      });

      it('re-renders a card found after a crash, marked posted at version 0', async () => {
        const [first] = await store.claimDueDeliveries(clock.now(), 1);
        await store.markPosted(first.delivery.id, ref('slack', 'found'), 0);
        expect((await store.staleCards(10)).map((s) => [s.delivery.id, s.delivery.renderedVersion, s.alert.version])).toEqual([
          [first.delivery.id, 0, 1],
        ]);
        await store.markRendered(first.delivery.id, 1);
        expect(await store.staleCards(10)).toEqual([]);
      });

      it('derives stale cards from state: a burst of transitions collapses into one update to the newest version', async () => {
        const work = await store.claimDueDeliveries(clock.now(), 10);
        const fw1 = work.filter((w) => w.alert.id === 'FW-1').map((w) => w.delivery);
        await store.markPosted(fw1[0].id, ref('slack', 's1'), 1);
        await store.markPosted(fw1[1].id, ref('teams', 't1'), 1);
        expect(await store.staleCards(10)).toEqual([]);

        await store.transition(ackRequest('FW-1', clock.now()));
        await store.transition({ ...ackRequest('FW-1', clock.now()), action: 'escalate', from: ['acknowledged'], to: 'escalated' });
        const stale = await store.staleCards(10);
        expect(stale.map((s) => [s.delivery.id, s.delivery.renderedVersion, s.alert.version, s.alert.status])).toEqual([
          [fw1[0].id, 1, 3, 'escalated'],
          [fw1[1].id, 1, 3, 'escalated'],
        ]);

        // A failed update is deferred, then comes back; rendering never moves backwards.
        await store.deferRender(fw1[1].id, 'HTTP 502', new Date(clock.now().getTime() + 10_000));
        await store.markRendered(fw1[0].id, 3);
        await store.markRendered(fw1[0].id, 2);
        expect(await store.staleCards(10)).toEqual([]);
        expect((await store.staleCards(10, new Date(clock.now().getTime() + 10_000))).map((s) => s.delivery.id)).toEqual([fw1[1].id]);
        expect((await store.listDeliveries('FW-1'))[0].renderedVersion).toBe(3);
      });
    });

    describe('thread replies', () => {
      beforeEach(async () => {
        await poll([newAlert(1)]);
      });

      it('holds replies until their card is posted, then sends them in order, one per card at a time', async () => {
        const [slack, teams] = (await store.claimDueDeliveries(clock.now(), 10)).map((w) => w.delivery);
        expect(await store.queueReplies('FW-1', 'first')).toBe(2);
        expect(await store.queueReplies('FW-1', 'second')).toBe(2);
        expect(await store.claimDueReplies(clock.now(), 10)).toEqual([]);

        await store.markPosted(slack.id, ref('slack', 's1'), 1);
        const c1 = await store.claimDueReplies(clock.now(), 10);
        expect(c1.map((r) => [r.deliveryId, r.text, r.ref.messageId, r.attempts])).toEqual([[slack.id, 'first', 's1', 1]]);
        // "second" waits until "first" went.
        expect(await store.claimDueReplies(clock.now(), 10)).toEqual([]);
        await store.markReplyRetry(c1[0].id, 'HTTP 429', new Date(clock.now().getTime() + 5000));
        expect(await store.claimDueReplies(clock.now(), 10)).toEqual([]);
        const retry = await store.claimDueReplies(new Date(clock.now().getTime() + 5000), 10);
        expect(retry.map((r) => [r.text, r.attempts])).toEqual([['first', 2]]);
        await store.markReplied(retry[0].id);
        const c2 = await store.claimDueReplies(new Date(clock.now().getTime() + 5000), 10);
        expect(c2.map((r) => r.text)).toEqual(['second']);
        await store.markReplyFailed(c2[0].id, 'message_not_found');

        await store.markPosted(teams.id, ref('teams', 't1'), 1);
        const c3 = await store.claimDueReplies(new Date(clock.now().getTime() + 5000), 10);
        expect(c3.map((r) => [r.deliveryId, r.text])).toEqual([[teams.id, 'first']]);
      });

      it('queues no replies for copies given up on, and refuses unknown alerts and empty text', async () => {
        const [slack] = (await store.claimDueDeliveries(clock.now(), 10)).map((w) => w.delivery);
        await store.markFailed(slack.id, 'channel_not_found');
        expect(await store.queueReplies('FW-1', 'x')).toBe(1);
        await expect(store.queueReplies('FW-9', 'x')).rejects.toThrow(/no alert FW-9/);
        await expect(store.queueReplies('FW-1', '  ')).rejects.toThrow(/non-empty/);
      });
    });

    describe('escalation copies and storm digests', () => {
      const pollMany = (from: number, count: number) =>
        store.recordPoll({
          workspace: WORKSPACE,
          detectionId: DETECTION,
          watermark: clock.now(),
          alerts: Array.from({ length: count }, (_, i) => newAlert(from + i)),
          targets: [
            { platform: 'slack', target: 'C1' },
            { platform: 'teams', target: 'Alerts' },
          ],
        });

      it('addDeliveries queues one copy per new target, idempotently, and refuses bad input', async () => {
        const [a] = await pollMany(1, 1);
        expect(
          await store.addDeliveries(a.id, [
            { platform: 'slack', target: 'C0ONCALL' },
            { platform: 'slack', target: 'C1' },
          ]),
        ).toBe(1);
        expect(await store.addDeliveries(a.id, [{ platform: 'slack', target: 'C0ONCALL' }])).toBe(0);
        expect((await store.listDeliveries(a.id)).map((d) => [d.target, d.state])).toEqual([
          ['C1', 'pending'],
          ['Alerts', 'pending'],
          ['C0ONCALL', 'pending'],
        ]);
        await expect(store.addDeliveries('FW-999', [{ platform: 'slack', target: 'C2' }])).rejects.toThrow('no alert FW-999');
        await expect(store.addDeliveries(a.id, [{ platform: 'email' as never, target: 'x' }])).rejects.toThrow(
          'platform must be teams, slack or console',
        );
        expect(await store.listDeliveries(a.id)).toHaveLength(3);
      });

      it('summariseStorms makes one digest per poll and target, once; claims, retries and finishes digests', async () => {
        const storm = await pollMany(1, 5);
        clock.advance(1000);
        let now = clock.now();
        const [later] = await pollMany(100, 1);
        await expect(store.summariseStorms({ threshold: 0, now, platforms: ['slack'], postIndividual: false })).rejects.toThrow(
          'threshold must be a positive integer',
        );

        const digests = await store.summariseStorms({ threshold: 4, now, platforms: ['slack'], postIndividual: false });
        expect(digests.map((d) => [d.platform, d.target, d.alertIds])).toEqual([['slack', 'C1', storm.map((a) => a.id)]]);
        expect(
          await store.summariseStorms({ threshold: 4, now, platforms: ['slack', 'teams'], postIndividual: true, paceMs: 1000 }),
        ).toHaveLength(1);
        expect(
          await store.summariseStorms({ threshold: 4, now, platforms: ['slack', 'teams'], postIndividual: true, paceMs: 1000 }),
        ).toHaveLength(0);

        // Slack: summarised; Teams: paced behind the later alert.
        const claimed = await store.claimDueDeliveries(now, 100);
        expect(claimed.map((w) => [w.delivery.platform, w.alert.id])).toEqual([
          ['slack', later.id],
          ['teams', later.id],
        ]);
        const first = (await store.listDeliveries(storm[0].id)).map((d) => [
          d.platform,
          d.state,
          d.lastError ?? null,
          d.nextAttemptAt?.toISOString() ?? null,
        ]);
        expect(first).toEqual([
          ['slack', 'failed', `summarised in digest #${digests[0].id}`, null],
          ['teams', 'pending', null, new Date(now.getTime() + 1000).toISOString()],
        ]);

        const due = await store.claimDueDigests(now, 10);
        expect(due.map((d) => [d.platform, d.attempts])).toEqual([
          ['slack', 1],
          ['teams', 1],
        ]);
        expect(await store.claimDueDigests(now, 10)).toEqual([]);
        await store.finishDigest(due[0].id, { ref: { platform: 'slack', target: 'C1', messageId: '1.2' } });
        await store.finishDigest(due[1].id, { error: 'busy', retryAt: new Date(now.getTime() + 5000) });
        clock.advance(5000);
        now = clock.now();
        expect((await store.claimDueDigests(now, 10)).map((d) => [d.id, d.attempts])).toEqual([[due[1].id, 2]]);
        await store.finishDigest(due[1].id, { error: 'gone' });
        clock.advance(120_000);
        now = clock.now();
        expect(await store.claimDueDigests(now, 10)).toEqual([]);
        await expect(store.finishDigest(987654, { error: 'x' })).rejects.toThrow('no digest 987654');
      });

      it('a digest parked waiting is not claimed until its target is released; waiting with a retry time is refused', async () => {
        await pollMany(1, 5);
        const now = clock.now();
        const [digest] = await store.summariseStorms({ threshold: 4, now, platforms: ['slack'], postIndividual: false });
        const [claimed] = await store.claimDueDigests(now, 10);
        expect(claimed?.id).toBe(digest.id);
        await expect(store.finishDigest(digest.id, { error: 'x', waiting: true, retryAt: new Date(now.getTime() + 1000) })).rejects.toThrow(
          'a waiting digest has no retryAt',
        );
        await expect(store.finishDigest(digest.id, JSON.parse('{"error":"x","waiting":"yes"}') as DigestOutcome)).rejects.toThrow(
          'waiting must be true when given',
        );
        await store.finishDigest(digest.id, { error: 'not_in_channel', waiting: true });
        clock.advance(24 * 3_600_000); // past any lease
        expect(await store.claimDueDigests(clock.now(), 10)).toEqual([]);
        expect(await store.releaseWaiting('slack', 'elsewhere')).toBe(0);
        expect(await store.releaseWaiting('slack', 'C1')).toBe(1);
        expect((await store.claimDueDigests(clock.now(), 10)).map((d) => [d.id, d.attempts])).toEqual([[digest.id, 2]]);
        await expect(store.finishDigest(987654, { error: 'x', waiting: true })).rejects.toThrow('no digest 987654');
      });

      it("a digest is due at the caller's now, though the store's clock has moved on since", async () => {
        await pollMany(1, 5);
        const asked = clock.now();
        clock.advance(7); // the summary is written a few milliseconds after the dispatcher read its clock
        const [digest] = await store.summariseStorms({ threshold: 4, now: asked, platforms: ['slack', 'teams'], postIndividual: true });
        expect(digest).toBeDefined();
        expect((await store.claimDueDigests(asked, 10)).map((d) => d.id)).toContain(digest.id);
        // Paced cards count from the same moment.
        const paced = (await store.listDeliveries(digest.alertIds[0])).map((d) => d.nextAttemptAt?.toISOString());
        expect(paced).toContain(new Date(asked.getTime() + 1000).toISOString());
      });
    });
  });
}
