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

    const TEAMS = [
      { limit: 7, windowMs: 1_000 },
      { limit: 8, windowMs: 2_000 },
      { limit: 60, windowMs: 30_000 },
    ];

    it('with several windows grants a slot only when every window has room, and says when all will', async () => {
      const grants = [];
      for (let i = 0; i < 8; i++) grants.push(await store.takeBudgetWindows('teams:19:a', TEAMS, at(i)));
      // Seven in the second, the eighth waits for the oldest to leave the 1 s window.
      expect(grants.slice(0, 7).every((g) => g.granted)).toBe(true);
      expect(grants[7]).toEqual({ granted: false, retryAfterMs: 1_000 - 7 });
      expect(await store.takeBudgetWindows('teams:19:a', TEAMS, at(1_000))).toEqual({ granted: true });
      // Eight in 2 s: the ninth waits for the 2 s window although the 1 s one has room.
      expect(await store.takeBudgetWindows('teams:19:a', TEAMS, at(1_500))).toEqual({ granted: false, retryAfterMs: 500 });
      // A refusal took nothing.
      expect(await store.takeBudgetWindows('teams:19:a', TEAMS, at(2_000))).toEqual({ granted: true });
    });

    it('with several windows grants no more than any window allows to many concurrent takers', async () => {
      const grants = await Promise.all(Array.from({ length: 20 }, () => store.takeBudgetWindows('k', TEAMS, at(0))));
      expect(grants.filter((g) => g.granted)).toHaveLength(7);
    });

    it('refuses windows that cannot be meant', async () => {
      await expect(store.takeBudgetWindows('k', [], at(0))).rejects.toThrow(/windows/);
      await expect(store.takeBudgetWindows('k', [{ limit: 0, windowMs: 1_000 }], at(0))).rejects.toThrow(/limit/);
    });
  });
}
