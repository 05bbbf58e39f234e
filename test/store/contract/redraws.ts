import type { Store } from '../../../src/store/store';
import { DETECTION, WORKSPACE, newAlert } from '../../support/alert-builder';
import { TestClock } from '../fixtures';
import { SLACK, ackRequest, ref, type MakeStore } from './support';

/**
 * OutboxStore, redraws: a card whose redraw the service refused for good, or
 * until a person acts, is no longer picked as stale; cards that keep failing
 * go after the rest.
 */
export function describeRedrawContract(name: string, makeStore: MakeStore): void {
  describe(`OutboxStore redraw outcomes: ${name}`, () => {
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

    /** `n` alerts posted to Slack, then acknowledged: `n` stale cards, oldest first. */
    async function staleSlackCards(n: number): Promise<number[]> {
      const alerts = Array.from({ length: n }, (_, i) => newAlert(i + 1));
      await store.recordPoll({ workspace: WORKSPACE, detectionId: DETECTION, watermark: clock.now(), alerts, targets: [SLACK] });
      const work = await store.claimDueDeliveries(clock.now(), n);
      for (const w of work) {
        await store.markPosted(w.delivery.id, ref('slack', `m${w.delivery.id}`), 1);
        await store.transition(ackRequest(w.alert.id, clock.now()));
      }
      return work.map((w) => w.delivery.id).sort((a, b) => a - b);
    }

    it('a card whose redraw was stopped as failed is never stale again and says why', async () => {
      const [a, b] = await staleSlackCards(2);
      await store.stopRender(a, 'failed', 'message_not_found');
      expect((await store.staleCards(10)).map((s) => s.delivery.id)).toEqual([b]);
      const [d] = await store.listDeliveries('FW-1');
      expect(d.state).toBe('posted');
      expect(d.redraw).toEqual({ state: 'failed', reason: 'message_not_found' });
      // A later transition does not bring it back: the message is gone.
      await store.transition({ ...ackRequest('FW-1', clock.now()), action: 'escalate', from: ['acknowledged'], to: 'escalated' });
      expect((await store.staleCards(10)).map((s) => s.delivery.id)).toEqual([b]);
    });

    it('a redraw parked as waiting comes back when its target is released', async () => {
      const [a, b] = await staleSlackCards(2);
      await store.stopRender(a, 'waiting', 'channel_not_found');
      expect((await store.staleCards(10)).map((s) => s.delivery.id)).toEqual([b]);
      expect(await store.releaseWaiting('slack', SLACK.target)).toBe(1);
      expect((await store.staleCards(10)).map((s) => s.delivery.id)).toEqual([a, b]);
      expect((await store.listDeliveries('FW-1'))[0].redraw).toBeUndefined();
    });

    it('counts failed redraws and picks cards with fewer failures first, so failing cards cannot fill a batch', async () => {
      const ids = await staleSlackCards(4);
      const [a, b] = ids;
      const due = new Date(clock.now().getTime());
      await store.deferRender(a, 'HTTP 502', due);
      await store.deferRender(a, 'HTTP 502', due);
      await store.deferRender(b, 'HTTP 502', due);
      expect((await store.staleCards(2)).map((s) => s.delivery.id)).toEqual([ids[2], ids[3]]);
      expect((await store.staleCards(4)).map((s) => s.delivery.id)).toEqual([ids[2], ids[3], b, a]);
      expect((await store.listDeliveries('FW-1'))[0].renderAttempts).toBe(2);
      await store.markRendered(a, 2);
      expect((await store.listDeliveries('FW-1'))[0].renderAttempts).toBe(0);
    });

    it('refuses a stop with an unknown state and changes nothing', async () => {
      const [a] = await staleSlackCards(1);
      await expect(store.stopRender(a, 'gone' as 'failed', 'x')).rejects.toThrow(/state/);
      await expect(store.stopRender(999, 'failed', 'x')).rejects.toThrow(/no delivery 999/);
      expect((await store.staleCards(10)).map((s) => s.delivery.id)).toEqual([a]);
    });
  });
}
