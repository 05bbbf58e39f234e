import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Alert, AuditEntry } from '../../src/alerts/types';
import type { Delivery } from '../../src/store/store';
import { loadMigrations, migrate } from '../../src/store/sqlite/migrate';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DETECTION, WORKSPACE, newAlert, omit, storedAlert } from '../support/alert-builder';
import { TestClock, person } from './fixtures';

/**
 * A database written at schema version 3 (before alerts were keyed by seq and
 * kept their content in one JSON body), with rows in every table, as the
 * store of that version wrote them. Opening it with today's store migrates
 * it; everything must read back as it was.
 */

const T0 = '2026-11-27T09:00:00.000Z';
const T1 = '2026-11-27T09:05:00.000Z';
const T2 = '2026-11-27T09:10:00.000Z';
const alex = person('Alex', 'alex@contoso.com');
const ackChange = {
  action: 'acknowledge' as const,
  actor: alex,
  at: new Date(T1),
  note: 'on it',
  classification: 'benign_positive' as const,
};

const fw1: Alert = storedAlert(1, {
  eventTime: new Date('2026-11-27T08:59:01.000Z'),
  sourceLocation: 'BE',
  details: { Mechanism: 'Run Command', Quote: 'say "hi" \\ ünïcødé ✓' },
  raw: { SourceRecordId: 'rec-1', InvestigationPriority: 5, Nested: { list: [1, 2.5, null, true], empty: {} }, Big: 12345678901234 },
  createdAt: new Date(T0),
  updatedAt: new Date(T0),
});

// Optional columns empty, a status change recorded, no target.
const fw2: Alert = {
  ...omit(storedAlert(2), 'description', 'action', 'sourceIp', 'investigationPriority'),
  title: 'Run Command by someone',
  severity: 'High',
  tactics: [],
  techniques: [],
  eventTime: new Date('2026-11-27T08:59:02.000Z'),
  subject: {},
  insights: [],
  entities: [],
  details: {},
  target: null,
  raw: {},
  status: 'acknowledged',
  classification: 'benign_positive',
  lastChange: ackChange,
  version: 2,
  createdAt: new Date(T0),
  updatedAt: new Date(T1),
};

const fw3: Alert = {
  ...fw1,
  id: 'FW-3',
  fingerprint: 'rec-3|x',
  title: 'Third',
  status: 'resolved',
  classification: 'true_positive',
  version: 3,
};

/** The v3 alerts row for an alert, as that store wrote it. */
function v3AlertRow(a: Alert, seq: number): Record<string, unknown> {
  return {
    id: a.id,
    seq,
    detection_id: a.detectionId,
    detection_name: a.detectionName,
    fingerprint: a.fingerprint,
    workspace: a.workspace,
    title: a.title,
    description: a.description ?? null,
    severity: a.severity,
    tactics: JSON.stringify(a.tactics),
    techniques: JSON.stringify(a.techniques),
    event_time: a.eventTime.toISOString(),
    subject: JSON.stringify(a.subject),
    subject_upn: a.subject.upn?.toLowerCase() ?? null,
    action: a.action ?? null,
    source_ip: a.sourceIp ?? null,
    source_location: a.sourceLocation ?? null,
    insights: JSON.stringify(a.insights),
    investigation_priority: a.investigationPriority ?? null,
    entities: JSON.stringify(a.entities),
    details: JSON.stringify(a.details),
    target: a.target === null ? null : JSON.stringify(a.target),
    raw: JSON.stringify(a.raw),
    status: a.status,
    classification: a.classification ?? null,
    last_change: a.lastChange === undefined ? null : JSON.stringify({ ...a.lastChange, at: a.lastChange.at.toISOString() }),
    version: a.version,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

function insert(db: Database.Database, table: string, row: Record<string, unknown>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

const slackRef = { platform: 'slack', target: 'C0SEC', messageId: '1764234000.000100' };
const convRef = { conversation: { id: '19:sec@thread.tacv2' }, serviceUrl: 'https://smba.example/' };
const teamsRef = { platform: 'teams', target: '19:sec@thread.tacv2', messageId: 'm-1', conversationId: 'c-1' };

/** Writes a version-3 database with rows in every table. */
function writeV3(file: string, tweak?: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(
    db,
    loadMigrations().filter((m) => m.version <= 3),
    () => new Date(T0),
  );
  db.exec('PRAGMA foreign_keys = ON');
  db.transaction(() => {
    insert(db, 'alerts', v3AlertRow(fw1, 1));
    insert(db, 'alerts', v3AlertRow(fw2, 2));
    insert(db, 'alerts', v3AlertRow(fw3, 3));
    db.prepare("UPDATE counters SET value = 3 WHERE name = 'alert'").run();
    const delivery = (id: number, alertId: string, platform: string, target: string, state: string, extra: Record<string, unknown> = {}) =>
      insert(db, 'deliveries', {
        id,
        alert_id: alertId,
        platform,
        target,
        state,
        attempts: 1,
        next_attempt_at: null,
        created_at: T0,
        updated_at: T1,
        ...extra,
      });
    delivery(1, 'FW-1', 'slack', 'C0SEC', 'posted', { message_ref: JSON.stringify(slackRef), rendered_version: 1 });
    delivery(2, 'FW-1', 'teams', '19:sec@thread.tacv2', 'posted', { message_ref: JSON.stringify(teamsRef), rendered_version: 1 });
    delivery(3, 'FW-2', 'slack', 'C0SEC', 'failed', { next_attempt_at: T1, last_error: 'rate limited', attempts: 2 });
    delivery(4, 'FW-2', 'teams', 'other', 'waiting', { last_error: 'bot not in channel' });
    delivery(5, 'FW-3', 'console', 'console', 'pending', { attempts: 0, next_attempt_at: T0, lease_until: null });
    // Ids up to 9 were handed out once (rows since gone); AUTOINCREMENT must not reuse them.
    db.prepare("UPDATE sqlite_sequence SET seq = 9 WHERE name = 'deliveries'").run();
    const reply = (id: number, alertId: string, deliveryId: number, text: string, state: string) =>
      insert(db, 'replies', {
        id,
        alert_id: alertId,
        delivery_id: deliveryId,
        text,
        state,
        attempts: 0,
        next_attempt_at: T1,
        created_at: T1,
        updated_at: T1,
      });
    reply(1, 'FW-1', 1, 'Acknowledged by Alex', 'pending');
    reply(2, 'FW-1', 2, 'Acknowledged by Alex', 'sent');
    const audit = (at: string, action: string, alertId: string | null, outcome: string, detail: string | null) =>
      insert(db, 'audit_log', {
        at,
        actor: JSON.stringify(alex),
        actor_platform: alex.platform,
        actor_id: alex.id,
        action,
        alert_id: alertId,
        outcome,
        detail,
        origin: 'slack:C0SEC',
      });
    audit(T1, 'acknowledge', 'FW-2', 'allowed', 'open → acknowledged');
    audit(T2, 'resolve', 'FW-9', 'refused', 'no such alert');
    insert(db, 'watermarks', { workspace: WORKSPACE, detection_id: DETECTION, watermark: T2, updated_at: T2 });
    insert(db, 'conversation_refs', {
      platform: 'teams',
      key: '19:sec@thread.tacv2',
      name: 'Security Ops',
      name_lower: 'security ops',
      ref: JSON.stringify(convRef),
      updated_at: T0,
    });
    insert(db, 'digests', {
      platform: 'slack',
      target: 'C0SEC',
      poll_at: T0,
      alert_ids: JSON.stringify(['FW-1', 'FW-2']),
      state: 'pending',
      attempts: 0,
      next_attempt_at: T0,
      created_at: T0,
      updated_at: T0,
    });
  })();
  // A damaged database, for the tests that expect the migration to refuse it.
  db.pragma('foreign_keys = OFF');
  tweak?.(db);
  db.close();
}

function version(file: string): number {
  const db = new Database(file, { readonly: true });
  const v = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
  db.close();
  return v;
}

describe('SQLite migration 0004 (alerts keyed by seq, one JSON body)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-migrate-'));
    file = path.join(dir, 'fw.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every alert, delivery, reply, audit entry and the rest, and the store carries on from them', async () => {
    writeV3(file);
    expect(version(file)).toBe(3);
    const clock = new TestClock(Date.parse(T2));
    const store = new SqliteStore(file, { clock: clock.now });
    try {
      expect(version(file)).toBe(loadMigrations().at(-1)?.version);

      expect(await store.getAlert('FW-1')).toEqual(fw1);
      expect(await store.getAlert('FW-2')).toEqual(fw2);
      expect(await store.listAlerts({ status: 'all', limit: 10 })).toEqual([fw3, fw2, fw1]);
      expect(await store.listAlerts({ status: 'open', limit: 10 })).toEqual([fw2, fw1]);
      expect((await store.findAlertsBySubject('user1@contoso.com', 10)).map((a) => a.id)).toEqual(['FW-3', 'FW-1']);

      const delivery = (d: Partial<Delivery> & Pick<Delivery, 'id' | 'alertId' | 'platform' | 'target' | 'state'>): Delivery => ({
        attempts: 1,
        renderAttempts: 0,
        createdAt: new Date(T0),
        updatedAt: new Date(T1),
        ...d,
      });
      expect(await store.listDeliveries('FW-1')).toEqual([
        delivery({
          id: 1,
          alertId: 'FW-1',
          platform: 'slack',
          target: 'C0SEC',
          state: 'posted',
          ref: slackRef as Delivery['ref'],
          renderedVersion: 1,
        }),
        delivery({
          id: 2,
          alertId: 'FW-1',
          platform: 'teams',
          target: '19:sec@thread.tacv2',
          state: 'posted',
          ref: teamsRef as Delivery['ref'],
          renderedVersion: 1,
        }),
      ]);
      expect(await store.listDeliveries('FW-2')).toEqual([
        delivery({
          id: 3,
          alertId: 'FW-2',
          platform: 'slack',
          target: 'C0SEC',
          state: 'failed',
          attempts: 2,
          nextAttemptAt: new Date(T1),
          lastError: 'rate limited',
        }),
        delivery({ id: 4, alertId: 'FW-2', platform: 'teams', target: 'other', state: 'waiting', lastError: 'bot not in channel' }),
      ]);

      const audit: AuditEntry[] = [
        {
          id: 1,
          at: new Date(T1),
          actor: alex,
          action: 'acknowledge',
          alertId: 'FW-2',
          outcome: 'allowed',
          detail: 'open → acknowledged',
          origin: 'slack:C0SEC',
        },
        {
          id: 2,
          at: new Date(T2),
          actor: alex,
          action: 'resolve',
          alertId: 'FW-9',
          outcome: 'refused',
          detail: 'no such alert',
          origin: 'slack:C0SEC',
        },
      ];
      expect(await store.listAudit({ limit: 10 })).toEqual(audit);
      expect(await store.listAudit({ alertId: 'FW-2', limit: 10 })).toEqual([audit[0]]);

      expect(await store.getWatermark(WORKSPACE, DETECTION)).toEqual(new Date(T2));
      expect((await store.getConversationRef('teams', 'security ops'))?.ref).toEqual(convRef);
      expect((await store.claimDueDigests(clock.now(), 10)).map((d) => d.alertIds)).toEqual([['FW-1', 'FW-2']]);

      // Outbox work goes on where it was: due deliveries with their alerts, the pending reply under its posted card.
      const due = await store.claimDueDeliveries(clock.now(), 10);
      expect(due.map((w) => [w.delivery.id, w.alert])).toEqual([
        [3, fw2],
        [5, fw3],
      ]);
      const replies = await store.claimDueReplies(clock.now(), 10);
      expect(replies).toEqual([{ id: 1, alertId: 'FW-1', deliveryId: 1, text: 'Acknowledged by Alex', attempts: 1, ref: slackRef }]);
      expect(await store.releaseWaiting('teams', 'other')).toBe(1);

      // New alerts continue the numbering; new deliveries and replies never reuse an id.
      const created = await store.recordPoll({
        workspace: WORKSPACE,
        detectionId: DETECTION,
        watermark: clock.now(),
        alerts: [newAlert(1), newAlert(4)],
        targets: [{ platform: 'slack', target: 'C0SEC' }],
      });
      expect(created.map((a) => a.id)).toEqual(['FW-4']);
      expect((await store.listDeliveries('FW-4')).map((d) => d.id)).toEqual([10]);
      const r = await store.transition({
        alertId: 'FW-1',
        action: 'escalate',
        from: ['open'],
        to: 'escalated',
        change: { action: 'escalate', actor: alex, at: clock.now() },
        audit: { at: clock.now(), actor: alex, action: 'escalate', origin: 'cli' },
        replyText: 'Escalated by Alex',
      });
      expect(r.ok && r.alert).toMatchObject({ id: 'FW-1', status: 'escalated', version: 2, raw: fw1.raw });
      // Replies 3 (Slack, behind reply 1, still leased) and 4 (Teams, whose earlier reply went): only 4 is due.
      expect((await store.claimDueReplies(clock.now(), 10)).map((j) => [j.id, j.alertId, j.deliveryId])).toEqual([[4, 'FW-1', 2]]);
      expect((await store.listAudit({ alertId: 'FW-1', limit: 10 })).map((e) => e.id)).toEqual([3]);
    } finally {
      await store.close();
    }

    // The rebuilt tables keep their foreign keys.
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    expect(() =>
      db
        .prepare(
          "INSERT INTO replies (alert_seq, delivery_id, text, state, created_at, updated_at) VALUES (99, 1, 'x', 'pending', 'x', 'x')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('stops, leaving the database as it was, when an alert id is not FW-<seq>', () => {
    writeV3(file, (db) => db.prepare("UPDATE alerts SET id = 'FW-77' WHERE seq = 3").run());
    expect(() => new SqliteStore(file)).toThrow(/every alert id is FW-<seq>/);
    expect(version(file)).toBe(3);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id FROM alerts WHERE seq = 3').get()).toEqual({ id: 'FW-77' });
    db.close();
  });

  it('stops, leaving the database as it was, when a delivery points at no alert', () => {
    writeV3(file, (db) => {
      insert(db, 'deliveries', { alert_id: 'FW-99', platform: 'slack', target: 'C0SEC', state: 'pending', created_at: T0, updated_at: T0 });
    });
    expect(() => new SqliteStore(file)).toThrow(/NOT NULL constraint failed: new_deliveries.alert_seq/);
    expect(version(file)).toBe(3);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 6 });
    db.close();
  });
});
