import { Pool } from 'pg';
import type { Store, TransitionRequest } from '../../src/store/store';
import { StoreInputError } from '../../src/store/store';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store';
import { loadPgMigrations, migratePg } from '../../src/store/postgres/migrate';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';
import { TestClock, person } from './fixtures';
import { PG_URL, dropSchema, freshSchema, requirePostgres, withAdmin } from './postgres-support';

const SLACK = { platform: 'slack' as const, target: 'C1' };
const TEAMS = { platform: 'teams' as const, target: 'T1' };

function ack(alertId: string, who: string, at: Date): TransitionRequest {
  const actor = person(who, `${who.toLowerCase()}@contoso.com`);
  return {
    alertId,
    action: 'acknowledge',
    from: ['open'],
    to: 'acknowledged',
    change: { action: 'acknowledge', actor, at },
    audit: { at, actor, action: 'acknowledge', origin: 'cli' },
    replyText: `Acknowledged by ${who}`,
  };
}

async function migrationsIn(schema: string): Promise<{ version: number; name: string }[]> {
  return withAdmin(async (c) => {
    const { rows } = await c.query<{ version: number; name: string }>(
      `SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`,
    );
    return rows;
  });
}

beforeAll(requirePostgres);

describe('PostgreSQL store: opening and migrations', () => {
  const schemas: string[] = [];
  const fresh = (label: string) => {
    const s = freshSchema(label);
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  it('migrates once when several replicas start together, records the versions, and keeps the data on reopen', async () => {
    const schema = fresh('mig');
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(PG_URL, { schema, poolSize: 2 })));
    await stores[0].recordPoll({
      workspace: WORKSPACE,
      detectionId: DETECTION,
      watermark: new Date(),
      alerts: [newAlert(1)],
      targets: [SLACK],
    });
    expect((await stores[2].getAlert('FW-1'))?.fingerprint).toBe(newAlert(1).fingerprint);
    await Promise.all(stores.map((s) => s.close()));

    const expected = loadPgMigrations().map((m) => ({ version: m.version, name: m.name }));
    expect(expected.length).toBeGreaterThan(0);
    expect(await migrationsIn(schema)).toEqual(expected);

    const again = await openPostgresStore(PG_URL, { schema });
    expect((await again.getAlert('FW-1'))?.id).toBe('FW-1');
    await again.close();
    expect(await migrationsIn(schema)).toEqual(expected);
  });

  it('applies a migration added later exactly once, and rolls back one that fails, leaving it unrecorded', async () => {
    const schema = fresh('later');
    const pool = new Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
    const client = await pool.connect();
    try {
      const now = () => new Date('2026-11-27T00:00:00Z');
      const base = loadPgMigrations();
      expect(await migratePg(client, base, { schema, now })).toEqual(base.map((m) => m.version));
      const extra = { version: 9001, name: 'add_note', sql: 'ALTER TABLE alerts ADD COLUMN extra text;' };
      expect(await migratePg(client, [...base, extra], { schema, now })).toEqual([9001]);
      expect(await migratePg(client, [...base, extra], { schema, now })).toEqual([]);

      const broken = { version: 9002, name: 'broken', sql: 'CREATE TABLE t (x integer); CREATE TABLE t (y integer);' };
      await expect(migratePg(client, [...base, extra, broken], { schema, now })).rejects.toThrow(/9002_broken failed: .*already exists/);
      const t = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 't'", [schema]);
      expect(t.rows).toEqual([]);
      expect((await migrationsIn(schema)).map((m) => m.version)).toEqual([...base.map((m) => m.version), 9001]);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it('fails with a clear message when PostgreSQL cannot be reached, and refuses bad options', async () => {
    await expect(openPostgresStore('postgres://postgres@127.0.0.1:1/test')).rejects.toThrow(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:1\/test/,
    );
    await expect(openPostgresStore('', {})).rejects.toThrow(StoreInputError);
    await expect(openPostgresStore(PG_URL, { schema: 'Robert"); DROP TABLE x; --' })).rejects.toThrow(/schema name/);
    await expect(openPostgresStore(PG_URL, { schema: 'pg_catalog' })).rejects.toThrow(/schema name/);
    await expect(openPostgresStore(PG_URL, { poolSize: 0 })).rejects.toThrow(/poolSize/);
  });
});

describe('PostgreSQL store: values SQLite holds and PostgreSQL must hold the same way', () => {
  let store: PostgresStore;
  let schema: string;
  beforeAll(async () => {
    schema = freshSchema('values');
    store = await openPostgresStore(PG_URL, { schema });
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('keeps the key order of details and raw (the card lists custom details in that order)', async () => {
    const details = { Zeta: 'last letter', Alpha: 'first letter', Mid: 'm', 'a longer key': 'x' };
    const raw = { TimeGenerated: '2026-11-27T12:00:00Z', Caller: 'a@contoso.com', SourceRecordId: 'rec-order', Nested: { b: 1, a: 2 } };
    const [created] = await store.recordPoll({
      workspace: WORKSPACE,
      detectionId: DETECTION,
      watermark: new Date(),
      alerts: [newAlert(1, { fingerprint: 'order', details, raw })],
      targets: [],
    });
    const stored = await store.getAlert(created.id);
    expect(Object.keys(stored!.details)).toEqual(Object.keys(details));
    expect(Object.keys(stored!.raw)).toEqual(Object.keys(raw));
    expect(Object.keys(stored!.raw.Nested as object)).toEqual(['b', 'a']);
    expect(stored).toEqual(created);
  });

  it('refuses a NUL character in text as input, naming PostgreSQL, and writes nothing', async () => {
    const before = await store.listAlerts({ status: 'all', limit: 100 });
    const watermark = await store.getWatermark(WORKSPACE, DETECTION);
    const bad = newAlert(2, { fingerprint: 'nul', title: 'a\u0000b' });
    const attempt = store.recordPoll({
      workspace: WORKSPACE,
      detectionId: DETECTION,
      watermark: new Date(Date.now() + 3_600_000),
      alerts: [bad],
      targets: [SLACK],
    });
    await expect(attempt).rejects.toThrow(StoreInputError);
    await expect(attempt).rejects.toThrow(/PostgreSQL cannot store a value/);
    expect(await store.listAlerts({ status: 'all', limit: 100 })).toEqual(before);
    expect(await store.getWatermark(WORKSPACE, DETECTION)).toEqual(watermark);
  });

  it('refuses work once closed', async () => {
    const other = await openPostgresStore(PG_URL, { schema });
    await other.close();
    await other.close();
    await expect(other.getAlert('FW-1')).rejects.toThrow(/closed/);
  });
});

describe('two PostgresStore replicas on one schema', () => {
  const COUNT = 40;
  let schema: string;
  let a: Store;
  let b: Store;
  const clock = new TestClock();

  beforeEach(async () => {
    schema = freshSchema('replicas');
    a = await openPostgresStore(PG_URL, { schema, clock: clock.now, poolSize: 4 });
    b = await openPostgresStore(PG_URL, { schema, clock: clock.now, poolSize: 4 });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await dropSchema(schema);
  });

  const seed = (store: Store, from: number, to: number, detectionId = DETECTION) =>
    store.recordPoll({
      workspace: WORKSPACE,
      detectionId,
      watermark: clock.now(),
      alerts: Array.from({ length: to - from + 1 }, (_, i) => newAlert(from + i, { detectionId })),
      targets: [SLACK, TEAMS],
    });

  it('never hand the same delivery to both, over many concurrent claims, and together claim every one', async () => {
    await seed(a, 1, COUNT);
    const now = clock.now();
    const claimed: number[][] = [[], []];
    // Small batches from both replicas at once, until nothing is left.
    for (;;) {
      const rounds = await Promise.all([a, b, a, b].map((s) => s.claimDueDeliveries(now, 7)));
      rounds.forEach((r, i) => claimed[i % 2].push(...r.map((w) => w.delivery.id)));
      if (rounds.every((r) => r.length === 0)) break;
    }
    const all = [...claimed[0], ...claimed[1]];
    expect(all).toHaveLength(2 * COUNT);
    expect(new Set(all).size).toBe(2 * COUNT);
    expect(claimed[0].length).toBeGreaterThan(0);
    expect(claimed[1].length).toBeGreaterThan(0);
  });

  it('make exactly one transition per alert when both acknowledge every alert at once', async () => {
    await seed(a, 1, COUNT);
    const at = clock.now();
    const results = await Promise.all(
      Array.from({ length: COUNT }, (_, i) => [
        a.transition(ack(`FW-${i + 1}`, 'Alpha', at)),
        b.transition(ack(`FW-${i + 1}`, 'Beta', at)),
      ]).flat(),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(COUNT);
    expect(results.filter((r) => !r.ok && r.reason === 'status')).toHaveLength(COUNT);
    for (let i = 1; i <= COUNT; i++) {
      const alert = await b.getAlert(`FW-${i}`);
      expect(alert).toMatchObject({ status: 'acknowledged', version: 2 });
      const audit = await a.listAudit({ alertId: `FW-${i}`, limit: 10 });
      expect(audit).toHaveLength(1);
      expect(audit[0].actor.id).toBe(alert?.lastChange?.actor.id);
    }
  });

  it('never hand the same reply to both, and keep one reply per card in flight', async () => {
    await seed(a, 1, 10);
    const now = clock.now();
    for (const w of await a.claimDueDeliveries(now, 100)) {
      await a.markPosted(w.delivery.id, { platform: w.delivery.platform, target: w.delivery.target, messageId: `m${w.delivery.id}` }, 1);
    }
    for (let i = 1; i <= 10; i++) {
      await a.queueReplies(`FW-${i}`, 'first');
      await b.queueReplies(`FW-${i}`, 'second');
    }
    const rounds = await Promise.all([a, b, a, b].map((s) => s.claimDueReplies(now, 6)));
    const jobs = rounds.flat();
    // 20 cards, each with two replies queued: only the first reply of each card may be out.
    expect(jobs).toHaveLength(20);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(20);
    expect(new Set(jobs.map((j) => j.deliveryId)).size).toBe(20);
    expect(jobs.every((j) => j.text === 'first')).toBe(true);
  });

  it('hand out gap-free FW ids when both record polls at once', async () => {
    const created = await Promise.all([
      seed(a, 1, 10, 'det-a'),
      seed(b, 11, 20, 'det-b'),
      seed(a, 21, 30, 'det-c'),
      seed(b, 1, 10, 'det-a'), // the same hits from the other replica: only one of the two stores them
    ]);
    const ids = created.flat().map((x) => Number(x.id.slice(3)));
    expect(ids.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect([created[0].length, created[3].length].sort()).toEqual([0, 10]);
  });
});
