import type { Store } from '../../../src/store/store';
import { StoreInputError } from '../../../src/store/store';
import { TestClock } from '../fixtures';
import type { MakeStore } from './support';

/** BlindSpellStore: a detection's blind spell per workspace, reported once whoever polls. */
export function describeBlindSpellContract(name: string, makeStore: MakeStore): void {
  describe(`BlindSpellStore: ${name}`, () => {
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

    it('opens a spell at the first blind poll and carries it forward, keeping when it began', async () => {
      expect(await store.noteBlind('contoso', 'rule-1', at(0), 'HTTP 503')).toEqual({
        workspace: 'contoso',
        detectionId: 'rule-1',
        since: at(0),
        lastSeenAt: at(0),
        reason: 'HTTP 503',
      });
      const later = await store.noteBlind('contoso', 'rule-1', at(3_600_000), 'HTTP 429');
      expect(later).toEqual({ workspace: 'contoso', detectionId: 'rule-1', since: at(0), lastSeenAt: at(3_600_000), reason: 'HTTP 429' });
      await store.noteBlind('fabrikam', 'rule-1', at(60_000), 'unread');
      expect((await store.listBlindSpells()).map((s) => [s.workspace, s.detectionId])).toEqual([
        ['contoso', 'rule-1'],
        ['fabrikam', 'rule-1'],
      ]);
    });

    it('is marked reported once: of many concurrent markers exactly one wins', async () => {
      await store.noteBlind('contoso', 'rule-1', at(0), 'HTTP 503');
      const marks = await Promise.all(Array.from({ length: 8 }, () => store.markBlindReported('contoso', 'rule-1', at(10))));
      expect(marks.filter(Boolean)).toHaveLength(1);
      expect((await store.listBlindSpells())[0]?.reportedAt).toEqual(at(10));
      // A mark taken back (no channel took the card) can be won again.
      await store.unmarkBlindReported('contoso', 'rule-1');
      expect(await store.markBlindReported('contoso', 'rule-1', at(20))).toBe(true);
      // No open spell: nothing to mark.
      expect(await store.markBlindReported('contoso', 'rule-2', at(20))).toBe(false);
    });

    it('ends a spell, answering it, and a new blind poll opens a new one (to be reported again)', async () => {
      await store.noteBlind('contoso', 'rule-1', at(0), 'HTTP 503');
      await store.markBlindReported('contoso', 'rule-1', at(10));
      const ended = await store.endBlind('contoso', 'rule-1');
      expect(ended).toMatchObject({ since: at(0), reportedAt: at(10) });
      expect(await store.endBlind('contoso', 'rule-1')).toBeUndefined();
      expect(await store.listBlindSpells()).toEqual([]);
      const next = await store.noteBlind('contoso', 'rule-1', at(50), 'HTTP 504');
      expect(next.since).toEqual(at(50));
      expect(next.reportedAt).toBeUndefined();
    });

    it('refuses input that cannot be meant, writing nothing', async () => {
      await expect(store.noteBlind('', 'rule-1', at(0), 'x')).rejects.toThrow(StoreInputError);
      await expect(store.noteBlind('contoso', 'rule-1', new Date(Number.NaN), 'x')).rejects.toThrow(StoreInputError);
      await expect(store.markBlindReported('contoso', '', at(0))).rejects.toThrow(StoreInputError);
      expect(await store.listBlindSpells()).toEqual([]);
    });
  });
}
