import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { loadMigrations, migrate, migrationsDir } from '../../src/store/sqlite/migrate';
import { describeStoreContracts } from './contract';
import type { NewAlert } from '../../src/alerts/types';
import { DETECTION, WORKSPACE, newAlert } from '../support/alert-builder';
import { TestClock, person } from './fixtures';

describeStoreContracts('SQLite :memory:', async (clock) => ({ store: new SqliteStore(':memory:', { clock: clock.now }) }));

describeStoreContracts('SQLite file', async (clock) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-store-'));
  return {
    store: new SqliteStore(path.join(dir, 'firstwatch.db'), { clock: clock.now }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SQLite specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies migrations once, records them, and turns on WAL and foreign keys', async () => {
    const file = path.join(dir, 'fw.db');
    const s1 = new SqliteStore(file);
    await s1.recordPoll({ workspace: WORKSPACE, detectionId: DETECTION, watermark: new Date(), alerts: [newAlert(1)], targets: [] });
    await s1.close();
    const s2 = new SqliteStore(file);
    expect((await s2.getAlert('FW-1'))?.id).toBe('FW-1');
    await s2.close();

    const db = new Database(file, { readonly: true });
    const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(loadMigrations().map((m) => ({ version: m.version, name: m.name })));
    expect(versions.length).toBeGreaterThan(0);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies a migration added later exactly once, in version order, and refuses duplicate versions', () => {
    const migDir = path.join(dir, 'migrations');
    fs.mkdirSync(migDir);
    for (const f of fs.readdirSync(migrationsDir())) fs.copyFileSync(path.join(migrationsDir(), f), path.join(migDir, f));
    const db = new Database(':memory:');
    const now = () => new Date('2026-11-27T00:00:00Z');
    const base = migrate(db, loadMigrations(migDir), now);
    expect(base.length).toBeGreaterThan(0);
    fs.writeFileSync(path.join(migDir, '9001_add_note.sql'), 'ALTER TABLE alerts ADD COLUMN extra TEXT;');
    fs.writeFileSync(path.join(migDir, 'README.txt'), 'not a migration');
    expect(migrate(db, loadMigrations(migDir), now)).toEqual([9001]);
    expect(migrate(db, loadMigrations(migDir), now)).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 1').get()).toEqual({ version: 9001 });
    db.close();
    fs.writeFileSync(path.join(migDir, '9001_again.sql'), 'SELECT 1;');
    expect(() => loadMigrations(migDir)).toThrow(/two store migrations share version 9001/);
  });

  it('rolls back a migration that fails, leaving it unrecorded', () => {
    const db = new Database(':memory:');
    const now = () => new Date();
    expect(() =>
      migrate(db, [{ version: 1, name: 'broken', sql: 'CREATE TABLE t (x INTEGER); CREATE TABLE t (y INTEGER);' }], now),
    ).toThrow(/already exists/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get()).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
    db.close();
  });

  it('lets a migration rebuild a table others reference, but not leave a reference dangling', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const now = () => new Date();
    const base = [
      {
        version: 1,
        name: 'parent_child',
        sql: 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id INTEGER NOT NULL REFERENCES p (id));',
      },
      { version: 2, name: 'rows', sql: 'INSERT INTO p (id) VALUES (1), (2); INSERT INTO c (p_id) VALUES (1), (2);' },
    ];
    const rebuild = {
      version: 3,
      name: 'rebuild_parent',
      sql: 'CREATE TABLE new_p (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO new_p (id) SELECT id FROM p; DROP TABLE p; ALTER TABLE new_p RENAME TO p;',
    };
    expect(migrate(db, [...base, rebuild], now)).toEqual([1, 2, 3]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM c JOIN p ON p.id = c.p_id').get()).toEqual({ n: 2 });

    const lossy = { version: 4, name: 'lossy', sql: 'DELETE FROM p WHERE id = 2;' };
    expect(() => migrate(db, [lossy], now)).toThrow(/4_lossy leaves 1 row\(s\) pointing at missing rows \(first: c rowid 2 → p\)/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM p').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 3 });
    // Foreign keys are back on once migrating is over.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare('INSERT INTO c (p_id) VALUES (9)').run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  describe('alert bodies share their repeated parts (migration 0010)', () => {
    const poll = (alerts: NewAlert[]) => ({ workspace: WORKSPACE, detectionId: DETECTION, watermark: new Date(), alerts, targets: [] });
    /** Hit n with a row of the UEBA columns, as a real poll's rows repeat them. */
    const hit = (n: number, tag = 'A'): NewAlert =>
      newAlert(n, {
        raw: {
          TimeGenerated: `2026-11-27T12:00:${String(n % 60).padStart(2, '0')}.000Z`,
          [`SourceRecordId${tag}`]: `rec-${n}`,
          UserPrincipalName: `user${n}@contoso.com`,
          ActivityInsights: { FirstTimeUserPerformedAction: 'True', ActionUncommonlyPerformedByUser: n % 2 === 0 ? 'True' : 'False' },
        },
      });

    it('stores a poll of one rule smaller, and reads every alert back as it was returned, from a fresh store too', async () => {
      const file = path.join(dir, 'fw.db');
      const store = new SqliteStore(file);
      const created = await store.recordPoll(poll(Array.from({ length: 20 }, (_, i) => hit(i + 1))));
      const partsAfter = (): number => {
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM body_parts').get() as { n: number }).n;
        } finally {
          db.close();
        }
      };
      // One part per rule text and object shape, whatever the number of alerts.
      const parts = partsAfter();
      expect(parts).toBeGreaterThan(0);
      expect(parts).toBeLessThan(20);
      created.push(...(await store.recordPoll(poll(Array.from({ length: 20 }, (_, i) => hit(i + 21))))));
      expect(partsAfter()).toBe(parts);
      for (const a of created) expect(await store.getAlert(a.id)).toEqual(a);
      await store.close();

      const reopened = new SqliteStore(file);
      expect(await reopened.listAlerts({ limit: 50 })).toEqual([...created].reverse());
      await reopened.close();

      const db = new Database(file, { readonly: true });
      const rows = db.prepare('SELECT seq, body, body_format FROM alerts ORDER BY seq').all() as {
        seq: number;
        body: string;
        body_format: number;
      }[];
      expect(rows.every((r) => r.body_format === 1)).toBe(true);
      // The first alert of a poll carries its parts inline; the others name them.
      expect(rows[0]?.body).toContain('UserPrincipalName');
      expect(rows[1]?.body).not.toContain('UserPrincipalName');
      expect(rows[1]?.body).not.toContain('First-time Run Command on a VM');
      // The next poll names the parts from its first alert on.
      expect(rows[20]?.body).not.toContain('UserPrincipalName');
      db.close();
    });

    it('keeps a part only once it repeats: a poll of one alert writes none', async () => {
      const file = path.join(dir, 'fw.db');
      const store = new SqliteStore(file);
      await store.recordPoll(poll([hit(1)]));
      await store.close();
      const db = new Database(file, { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM body_parts').get()).toEqual({ n: 0 });
      db.close();
    });

    it('forgets the parts of a poll that rolled back: their ids, given to other texts, never name them', async () => {
      const file = path.join(dir, 'fw.db');
      const store = new SqliteStore(file);
      const bad = hit(3, 'A');
      (bad.raw as Record<string, unknown>).self = bad.raw;
      await expect(store.recordPoll(poll([hit(1, 'A'), hit(2, 'A'), bad]))).rejects.toThrow(/raw cannot be stored as JSON/);
      // Other texts now take the ids the rolled-back poll had used.
      const other = await store.recordPoll(poll([hit(11, 'B'), hit(12, 'B'), hit(13, 'B')]));
      const again = await store.recordPoll(poll([hit(1, 'A'), hit(2, 'A'), hit(3, 'A')]));
      for (const a of [...other, ...again]) expect(await store.getAlert(a.id)).toEqual(a);
      expect(Object.keys((await store.getAlert(again[2]?.id ?? ''))?.raw ?? {})).toContain('SourceRecordIdA');
      await store.close();
    });

    it('reads alerts written before it (plain bodies) beside new ones', async () => {
      const file = path.join(dir, 'fw.db');
      const store = new SqliteStore(file);
      const [first, second] = await store.recordPoll(poll([hit(1), hit(2)]));
      await store.close();
      // As 0004 wrote them: the body's values in full, body_format 0.
      const db = new Database(file);
      const plain = JSON.stringify([
        first?.detectionName,
        first?.workspace,
        first?.title,
        first?.description,
        first?.severity,
        first?.tactics,
        first?.techniques,
        first?.eventTime.toISOString(),
        first?.subject,
        first?.action,
        first?.sourceIp,
        null,
        first?.insights,
        first?.investigationPriority,
        first?.entities,
        first?.details,
        first?.target,
        first?.raw,
      ]);
      db.prepare('UPDATE alerts SET body = ?, body_format = 0 WHERE seq = 1').run(plain);
      db.close();
      const reopened = new SqliteStore(file);
      expect(await reopened.getAlert('FW-1')).toEqual(first);
      expect(await reopened.getAlert('FW-2')).toEqual(second);
      await reopened.close();
    });
  });

  it('enforces foreign keys: a delivery cannot point at a missing alert', async () => {
    const file = path.join(dir, 'fw.db');
    await new SqliteStore(file).close();
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    expect(() =>
      db
        .prepare(
          "INSERT INTO deliveries (alert_seq, platform, target, state, created_at, updated_at) VALUES (9, 'slack', 'C', 'pending', 'x', 'x')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('two stores on one file: concurrent transitions and claims stay exclusive', async () => {
    const file = path.join(dir, 'fw.db');
    const clock = new TestClock();
    const a = new SqliteStore(file, { clock: clock.now });
    const b = new SqliteStore(file, { clock: clock.now });
    await a.recordPoll({
      workspace: WORKSPACE,
      detectionId: DETECTION,
      watermark: clock.now(),
      alerts: [newAlert(1), newAlert(2)],
      targets: [{ platform: 'slack', target: 'C1' }],
    });
    const at = clock.now();
    const req = (who: string) => ({
      alertId: 'FW-1',
      action: 'acknowledge' as const,
      from: ['open' as const],
      to: 'acknowledged' as const,
      change: { action: 'acknowledge' as const, actor: person(who), at },
      audit: { at, actor: person(who), action: 'acknowledge', origin: 'cli' },
    });
    const results = await Promise.all([a.transition(req('A')), b.transition(req('B')), a.transition(req('C')), b.transition(req('D'))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await b.getAlert('FW-1'))?.version).toBe(2);

    const claims = await Promise.all([a.claimDueDeliveries(at, 10), b.claimDueDeliveries(at, 10)]);
    expect(
      claims
        .flat()
        .map((w) => w.delivery.id)
        .sort(),
    ).toEqual([1, 2]);
    await a.close();
    await b.close();
  });
});
