import type { Store } from '../../src/store';
import { openPostgresStore } from '../../src/store/postgres/postgres-store';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { newAlert } from '../slack/harness';
import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../store/postgres-support';

const T0 = new Date('2026-11-27T14:00:00.000Z');

type Opened = { store: Store; cleanup: () => Promise<void> };

const kinds: [string, (clock: () => Date) => Promise<Opened>][] = [
  ['SQLite', async (clock) => ({ store: new SqliteStore(':memory:', { clock }), cleanup: async () => undefined })],
  [
    'PostgreSQL',
    async (clock) => {
      await requirePostgres();
      const schema = freshSchema('escalation');
      return { store: await openPostgresStore(PG_URL, { clock, schema, poolSize: 4 }), cleanup: () => dropSchema(schema) };
    },
  ],
];

describe.each(kinds)('%s store: escalation copies and storm digests', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now = T0;

  beforeEach(async () => {
    now = T0;
    ({ store, cleanup } = await open(() => now));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const poll = (from: number, count: number) =>
    store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: now,
      alerts: Array.from({ length: count }, (_, i) => newAlert(from + i)),
      targets: [
        { platform: 'slack', target: 'C1' },
        { platform: 'teams', target: 'Alerts' },
      ],
    });

  it('addDeliveries queues one copy per new target, idempotently, and refuses bad input', async () => {
    const [a] = await poll(1, 1);
    expect(await store.addDeliveries(a.id, [{ platform: 'slack', target: 'C0ONCALL' }, { platform: 'slack', target: 'C1' }])).toBe(1);
    expect(await store.addDeliveries(a.id, [{ platform: 'slack', target: 'C0ONCALL' }])).toBe(0);
    expect((await store.listDeliveries(a.id)).map((d) => [d.target, d.state])).toEqual([
      ['C1', 'pending'],
      ['Alerts', 'pending'],
      ['C0ONCALL', 'pending'],
    ]);
    await expect(store.addDeliveries('FW-999', [{ platform: 'slack', target: 'C2' }])).rejects.toThrow('no alert FW-999');
    await expect(store.addDeliveries(a.id, [{ platform: 'email' as never, target: 'x' }])).rejects.toThrow('platform must be teams, slack or console');
    expect(await store.listDeliveries(a.id)).toHaveLength(3);
  });

  it('summariseStorms makes one digest per poll and target, once; claims, retries and finishes digests', async () => {
    const storm = await poll(1, 5);
    now = new Date(T0.getTime() + 1000);
    const [later] = await poll(100, 1);
    await expect(store.summariseStorms({ threshold: 0, now, platforms: ['slack'], postIndividual: false })).rejects.toThrow('threshold must be a positive integer');

    const digests = await store.summariseStorms({ threshold: 4, now, platforms: ['slack'], postIndividual: false });
    expect(digests.map((d) => [d.platform, d.target, d.alertIds])).toEqual([['slack', 'C1', storm.map((a) => a.id)]]);
    expect(await store.summariseStorms({ threshold: 4, now, platforms: ['slack', 'teams'], postIndividual: true, paceMs: 1000 })).toHaveLength(1);
    expect(await store.summariseStorms({ threshold: 4, now, platforms: ['slack', 'teams'], postIndividual: true, paceMs: 1000 })).toHaveLength(0);

    // Slack: summarised; Teams: paced behind the later alert.
    const claimed = await store.claimDueDeliveries(now, 100);
    expect(claimed.map((w) => [w.delivery.platform, w.alert.id])).toEqual([
      ['slack', later.id],
      ['teams', later.id],
    ]);
    const first = (await store.listDeliveries(storm[0].id)).map((d) => [d.platform, d.state, d.lastError ?? null, d.nextAttemptAt?.toISOString() ?? null]);
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
    now = new Date(now.getTime() + 5000);
    expect((await store.claimDueDigests(now, 10)).map((d) => [d.id, d.attempts])).toEqual([[due[1].id, 2]]);
    await store.finishDigest(due[1].id, { error: 'gone' });
    now = new Date(now.getTime() + 120_000);
    expect(await store.claimDueDigests(now, 10)).toEqual([]);
    await expect(store.finishDigest(987654, { error: 'x' })).rejects.toThrow('no digest 987654');
  });
});
