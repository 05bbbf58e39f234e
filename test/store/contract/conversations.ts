import type { ConversationStore } from '../../../src/store/conversation-store';
import { TestClock } from '../fixtures';
import type { MakeStore } from './support';

type Closable = ConversationStore & { close(): Promise<void> };

/** ConversationStore: references saved per platform, found by key or by name. */
export function describeConversationStoreContract(name: string, makeStore: MakeStore<Closable>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let store: Closable;
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

    describe('conversation references', () => {
      it('saves, replaces, finds by key or by name, and lists per platform', async () => {
        const teamsRef = { conversation: { id: '19:abc@thread.tacv2' }, serviceUrl: 'https://smba.example/' };
        await store.saveConversationRef('teams', '19:abc@thread.tacv2', 'Security Ops', teamsRef);
        await store.saveConversationRef('teams', '19:def@thread.tacv2', 'General', '{"raw":"json text"}');
        await store.saveConversationRef('slack', 'C1', 'security-ops', { channel: 'C1' });
        expect((await store.getConversationRef('teams', '19:abc@thread.tacv2'))?.ref).toEqual(teamsRef);
        expect((await store.getConversationRef('teams', 'security ops'))?.key).toBe('19:abc@thread.tacv2');
        expect((await store.getConversationRef('teams', '19:def@thread.tacv2'))?.ref).toBe('{"raw":"json text"}');
        expect(await store.getConversationRef('teams', 'nope')).toBeUndefined();

        await store.saveConversationRef('teams', '19:abc@thread.tacv2', 'SecOps', { v: 2 });
        const list = await store.listConversationRefs('teams');
        expect(list.map((r) => [r.key, r.name, r.ref])).toEqual([
          ['19:def@thread.tacv2', 'General', '{"raw":"json text"}'],
          ['19:abc@thread.tacv2', 'SecOps', { v: 2 }],
        ]);
        await expect(store.saveConversationRef('teams', '', 'x', {})).rejects.toThrow(/key/);
      });

      it('finds by name the most recently saved of the conversations that share it', async () => {
        await store.saveConversationRef('teams', '19:old@thread.tacv2', 'Alerts', { v: 'old' });
        clock.advance(1000);
        await store.saveConversationRef('teams', '19:new@thread.tacv2', 'Alerts', { v: 'new' });
        expect((await store.getConversationRef('teams', 'ALERTS'))?.key).toBe('19:new@thread.tacv2');
        clock.advance(1000);
        await store.saveConversationRef('teams', '19:old@thread.tacv2', 'Alerts', { v: 'old, seen again' });
        expect(await store.getConversationRef('teams', 'alerts')).toEqual({
          platform: 'teams',
          key: '19:old@thread.tacv2',
          name: 'Alerts',
          ref: { v: 'old, seen again' },
          updatedAt: clock.now(),
        });
      });

      it('prefers a key to a name, and keeps platforms apart', async () => {
        await store.saveConversationRef('teams', 'Alerts', 'Something else', { by: 'key' });
        await store.saveConversationRef('teams', '19:alerts@thread.tacv2', 'Alerts', { by: 'name' });
        expect((await store.getConversationRef('teams', 'Alerts'))?.ref).toEqual({ by: 'key' });
        expect(await store.getConversationRef('slack', 'Alerts')).toBeUndefined();
        expect(await store.listConversationRefs('slack')).toEqual([]);
        await expect(store.saveConversationRef('', 'k', 'x', {})).rejects.toThrow(/platform/);
        await expect(store.saveConversationRef('teams', 'k', 42 as never, {})).rejects.toThrow(/name must be a string/);
      });
    });
  });
}
