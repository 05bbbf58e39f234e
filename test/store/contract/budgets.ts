import type { Store } from '../../../src/store/store';
import { TestClock } from '../fixtures';
import type { MakeStore } from './support';

/** OutboxStore, send budgets: an app-wide limit shared by every replica on the store. */
export function describeBudgetContract(name: string, makeStore: MakeStore): void {
  describe(`OutboxStore send budgets: ${name}`, () => {
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

    const at = (ms: number): Date => new Date(clock.now().getTime() + ms);

    it('grants `limit` slots per window, then says when the oldest frees up', async () => {
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(0))).toEqual({ granted: true });
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(10_000))).toEqual({ granted: true });
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(20_000))).toEqual({ granted: true });
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(30_000))).toEqual({ granted: false, retryAfterMs: 30_000 });
      // Another key has its own slots.
      expect(await store.takeBudget('other', 3, 60_000, at(30_000))).toEqual({ granted: true });
      // The first slot frees a minute after it was taken.
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(60_000))).toEqual({ granted: true });
      expect(await store.takeBudget('slack:chat.update', 3, 60_000, at(60_001))).toEqual({ granted: false, retryAfterMs: 9_999 });
    });

    it('grants no more than the limit to many concurrent takers', async () => {
      const grants = await Promise.all(Array.from({ length: 20 }, () => store.takeBudget('k', 7, 60_000, at(0))));
      expect(grants.filter((g) => g.granted)).toHaveLength(7);
    });

    it('refuses a request that cannot be meant', async () => {
      await expect(store.takeBudget('', 1, 1, at(0))).rejects.toThrow(/key/);
      await expect(store.takeBudget('k', 0, 1, at(0))).rejects.toThrow(/limit/);
      await expect(store.takeBudget('k', 1, 0, at(0))).rejects.toThrow(/window/);
      await expect(store.takeBudget('k', 1, 1, new Date(NaN))).rejects.toThrow(/now/);
    });
  });
}
