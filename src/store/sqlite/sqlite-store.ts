import Database from 'better-sqlite3';
import type { Alert, AlertTarget, AuditEntry } from '../../alerts/types';
import type { ChatPlatformName, MessageRef } from '../../delivery/types';
import { StoreInputError, type ConversationRefRecord, type Delivery, type DeliveryWork, type StormDigest, type SummariseStormsInput, type ListAlertsQuery, type ListAuditQuery, type RecordPollInput, type ReplyJob, type Store, type TransitionRequest, type TransitionResult } from '../store';
import type { DeliveryTarget } from '../../delivery/types';
import {
  checkActor,
  checkAudit,
  checkId,
  checkLimit,
  checkMessageRef,
  checkNewAlert,
  checkReplyText,
  checkStormInput,
  checkTargets,
  checkFilledTarget,
  checkFingerprintQuery,
  isValidDate,
  leaseWindow as leaseDates,
  toJson,
} from '../validate';
import { loadMigrations, migrate } from './migrate';
import { alertBody, INSERT_ALERT, queueSql, storedAlert } from './new-alert';
import {
  alertFromRow,
  alertId,
  alertSeq,
  auditFromRow,
  changeToJson,
  conversationRefFromRow,
  deliveryFromRow,
  type AlertRow,
  type AuditRow,
  type ConversationRefRow,
  type DeliveryRow,
} from './rows';

export interface SqliteStoreOptions {
  /** Time source for created/updated stamps and "due now"; defaults to the system clock. */
  clock?: () => Date;
  /** How long a locked database is waited for, in ms (default 5000). */
  busyTimeoutMs?: number;
}

const DEFAULT_LEASE_MS = 60_000;
/** Deliveries given up on: failed with no next attempt. */
const NOT_GIVEN_UP = "NOT (d.state = 'failed' AND d.next_attempt_at IS NULL)";

/**
 * The default Store: one SQLite file (WAL), or ':memory:'. better-sqlite3 is
 * synchronous, so each method runs to completion on the event loop; writes
 * take the write lock up front (BEGIN IMMEDIATE) so two processes sharing the
 * file queue on busy_timeout instead of failing a lock upgrade.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (typeof path !== 'string' || path.length === 0) throw new StoreInputError('the SQLite path must be a non-empty string');
    this.clock = options.clock ?? (() => new Date());
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db, loadMigrations(), this.clock);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /** Prepared once per SQL text; better-sqlite3 statements are reusable. */
  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // ---- alerts and polling ------------------------------------------------

  async recordPoll(input: RecordPollInput): Promise<Alert[]> {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('recordPoll input must be an object');
    const { workspace, detectionId, watermark, alerts, targets } = input;
    if (typeof workspace !== 'string' || workspace.length === 0) throw new StoreInputError('workspace must be a non-empty string');
    if (typeof detectionId !== 'string' || detectionId.length === 0) throw new StoreInputError('detectionId must be a non-empty string');
    if (!isValidDate(watermark)) throw new StoreInputError('watermark must be a valid Date');
    if (!Array.isArray(alerts)) throw new StoreInputError('alerts must be an array');
    checkTargets(targets);
    const uniqueTargets = [...new Map(targets.map((t) => [`${t.platform}\u0000${t.target}`, t])).values()];

    return this.write(() => {
      const nowMs = this.clock().getTime();
      const now = new Date(nowMs).toISOString();
      const created: Alert[] = [];
      // The id sequence is read once and written back once: the write lock is held throughout.
      const start = (this.sql("SELECT value FROM counters WHERE name = 'alert'").get() as { value: number }).value;
      let seq = start;
      const insert = this.sql(INSERT_ALERT);
      // Each alert is checked as it is inserted: a bad one mid-batch rolls back the ones before it.
      alerts.forEach((a: unknown, i) => {
        checkNewAlert(a, i);
        if (a.detectionId !== detectionId || a.workspace !== workspace) {
          throw new StoreInputError(
            `alert #${i + 1} (${a.fingerprint}) belongs to ${a.workspace}/${a.detectionId}, not ${workspace}/${detectionId}`,
          );
        }
        const eventTime = a.eventTime.toISOString();
        let body: string;
        try {
          body = alertBody(a, eventTime);
        } catch (err) {
          // A repeat sighting is a no-op even when its body could not be stored.
          if (this.sql('SELECT 1 FROM alerts WHERE detection_id = ? AND fingerprint = ?').get(a.detectionId, a.fingerprint)) return;
          throw err;
        }
        // A fingerprint already stored (earlier poll or earlier in this batch) inserts nothing.
        const info = insert.run(seq + 1, a.detectionId, a.fingerprint, a.subject.upn ? a.subject.upn.toLowerCase() : null, now, now, body);
        if (info.changes === 0) return;
        seq += 1;
        created.push(storedAlert(a, alertId(seq), nowMs));
      });
      if (seq !== start) {
        this.sql("UPDATE counters SET value = ? WHERE name = 'alert'").run(seq);
        // The new alerts are seq start+1..seq: their deliveries go in with one statement, not one per alert.
        if (uniqueTargets.length > 0) {
          this.sql(queueSql(uniqueTargets.length)).run(now, ...uniqueTargets.flatMap((t) => [t.platform, t.target]), start, seq);
        }
      }
      this.sql(
        `INSERT INTO watermarks (workspace, detection_id, watermark, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace, detection_id) DO UPDATE SET
           watermark = CASE WHEN excluded.watermark > watermarks.watermark THEN excluded.watermark ELSE watermarks.watermark END,
           updated_at = excluded.updated_at`,
      )
      .run(workspace, detectionId, watermark.toISOString(), now);
      return created;
    });
  }

  async getWatermark(workspace: string, detectionId: string): Promise<Date | undefined> {
    const row = this.sql('SELECT watermark FROM watermarks WHERE workspace = ? AND detection_id = ?')
      .get(String(workspace), String(detectionId)) as { watermark: string } | undefined;
    return row ? new Date(row.watermark) : undefined;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const seq = alertSeq(id);
    const row = seq === undefined ? undefined : (this.sql('SELECT * FROM alerts WHERE seq = ?').get(seq) as AlertRow | undefined);
    return row ? alertFromRow(row) : undefined;
  }

  async listAlerts(query: ListAlertsQuery): Promise<Alert[]> {
    const limit = checkLimit(query?.limit);
    const status = query.status ?? 'open';
    if (status !== 'open' && status !== 'all') throw new StoreInputError('status must be "open" or "all"');
    const where = status === 'open' ? "WHERE status <> 'resolved'" : '';
    const rows = this.sql(`SELECT * FROM alerts ${where} ORDER BY seq DESC LIMIT ?`).all(limit) as AlertRow[];
    return rows.map(alertFromRow);
  }

  async findAlertsBySubject(upn: string, limit: number): Promise<Alert[]> {
    if (typeof upn !== 'string') throw new StoreInputError('upn must be a string');
    const rows = this.sql('SELECT * FROM alerts WHERE subject_upn = ? ORDER BY seq DESC LIMIT ?')
      .all(upn.trim().toLowerCase(), checkLimit(limit)) as AlertRow[];
    return rows.map(alertFromRow);
  }

  async findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]> {
    checkFingerprintQuery(detectionId, []);
    const rows = this.sql(
      "SELECT * FROM alerts WHERE detection_id = ? AND json_extract(body, '$[1]') = ? AND json_extract(body, '$[16].unavailable') IS NOT NULL ORDER BY seq LIMIT ?",
    ).all(detectionId, String(workspace), checkLimit(limit)) as AlertRow[];
    return rows.map(alertFromRow);
  }

  async fillTarget(id: string, target: AlertTarget): Promise<Alert | undefined> {
    checkFilledTarget(target);
    const seq = alertSeq(id);
    if (seq === undefined) return undefined;
    const row = this.sql(
      `UPDATE alerts SET body = json_set(body, '$[16]', json(?)), version = version + 1, updated_at = ?
       WHERE seq = ? AND json_extract(body, '$[16].unavailable') IS NOT NULL RETURNING *`,
    ).get(toJson(target, `alert ${id}: target`), this.now(), seq) as AlertRow | undefined;
    return row ? alertFromRow(row) : undefined;
  }

  async findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]> {
    checkFingerprintQuery(detectionId, fingerprints);
    if (fingerprints.length === 0) return [];
    const rows = this.sql('SELECT * FROM alerts WHERE detection_id = ? AND fingerprint IN (SELECT value FROM json_each(?)) ORDER BY seq')
      .all(detectionId, JSON.stringify(fingerprints)) as AlertRow[];
    return rows.map(alertFromRow);
  }

  // ---- transitions and audit ----------------------------------------------

  async transition(req: TransitionRequest): Promise<TransitionResult> {
    if (typeof req !== 'object' || req === null) throw new StoreInputError('transition request must be an object');
    if (!Array.isArray(req.from) || req.from.length === 0) throw new StoreInputError('transition: from must list at least one status');
    if (req.ifVersion !== undefined && !Number.isSafeInteger(req.ifVersion)) throw new StoreInputError('transition: ifVersion must be an integer');
    if (!isValidDate(req.change?.at)) throw new StoreInputError('transition: change.at must be a valid Date');
    checkActor(req.change.actor, 'transition change');
    checkAudit({ ...req.audit, outcome: 'allowed' });
    if (req.replyText !== undefined) checkReplyText(req.replyText);

    const seq = alertSeq(req.alertId);
    return this.write((): TransitionResult => {
      const row = seq === undefined ? undefined : (this.sql('SELECT * FROM alerts WHERE seq = ?').get(seq) as AlertRow | undefined);
      if (!row) return { ok: false, reason: 'not_found' };
      const previous = alertFromRow(row);
      if (req.ifVersion !== undefined && previous.version !== req.ifVersion) return { ok: false, reason: 'changed', alert: previous };
      if (!req.from.includes(previous.status)) return { ok: false, reason: 'status', alert: previous };
      const classification = req.classification === undefined ? row.classification : req.classification;
      const updated = this.sql(
        `UPDATE alerts SET status = ?, classification = ?, last_change = ?, version = version + 1, updated_at = ?
         WHERE seq = ? AND version = ? RETURNING *`,
      )
        .get(req.to, classification, changeToJson(req.change), this.now(), row.seq, row.version) as AlertRow | undefined;
      // Unreachable under the write lock; kept so the statement is a true compare-and-set on any backend.
      if (!updated) throw new Error(`alert ${req.alertId} changed during its own transaction`);
      this.insertAudit({ ...req.audit, alertId: req.alertId, outcome: 'allowed' });
      if (req.replyText !== undefined) this.insertReplies(row.seq, req.replyText);
      return { ok: true, alert: alertFromRow(updated), previous };
    });
  }

  async appendAudit(entry: AuditEntry): Promise<AuditEntry> {
    checkAudit(entry);
    return this.write(() => this.insertAudit(entry));
  }

  private insertAudit(e: AuditEntry): AuditEntry {
    const row = this.sql(
      `INSERT INTO audit_log (at, actor, actor_platform, actor_id, action, alert_id, outcome, detail, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
      .get(
        e.at.toISOString(),
        toJson(e.actor, 'audit actor'),
        e.actor.platform,
        e.actor.id,
        e.action,
        e.alertId ?? null,
        e.outcome,
        e.detail ?? null,
        e.origin,
      ) as AuditRow;
    return auditFromRow(row);
  }

  async listAudit(query: ListAuditQuery): Promise<AuditEntry[]> {
    const limit = checkLimit(query?.limit);
    const rows = (
      query.alertId === undefined
        ? this.sql('SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) AS recent ORDER BY id').all(limit)
        : this.sql('SELECT * FROM (SELECT * FROM audit_log WHERE alert_id = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id')
            .all(String(query.alertId), limit)
    ) as AuditRow[];
    return rows.map(auditFromRow);
  }

  // ---- delivery outbox ------------------------------------------------------

  async claimDueDeliveries(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<DeliveryWork[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.write(() => {
      // On Postgres the inner SELECT gains FOR UPDATE SKIP LOCKED.
      const rows = this.sql(
        `UPDATE deliveries SET lease_until = @until, attempts = attempts + 1, updated_at = @at
         WHERE id IN (
           SELECT id FROM deliveries
           WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= @at
             AND (lease_until IS NULL OR lease_until <= @at)
           ORDER BY next_attempt_at, id LIMIT @max)
         RETURNING *`,
      )
        .all({ at, until, max }) as DeliveryRow[];
      return this.withAlerts(rows.sort((a, b) => a.id - b.id));
    });
  }

  private withAlerts(rows: DeliveryRow[]): DeliveryWork[] {
    const get = this.sql('SELECT * FROM alerts WHERE seq = ?');
    return rows.map((r) => ({ delivery: deliveryFromRow(r), alert: alertFromRow(get.get(r.alert_seq) as AlertRow) }));
  }

  private updateDelivery(id: number, sql: string, params: Record<string, unknown>): void {
    const info = this.sql(`UPDATE deliveries SET ${sql}, updated_at = @updated WHERE id = @id`)
      .run({ ...params, id: checkId(id), updated: this.now() });
    if (info.changes === 0) throw new StoreInputError(`no delivery ${id}`);
  }

  async markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void> {
    checkMessageRef(ref);
    if (!Number.isInteger(renderedVersion) || renderedVersion < 0) {
      throw new StoreInputError('renderedVersion must be a non-negative integer (0: what the card shows is unknown)');
    }
    this.write(() =>
      this.updateDelivery(
        id,
        `state = 'posted', message_ref = @ref, rendered_version = @version, lease_until = NULL,
         next_attempt_at = NULL, last_error = NULL, render_next_at = NULL`,
        { ref: toJson(ref, 'message ref'), version: renderedVersion },
      ),
    );
  }

  async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.write(() =>
      this.updateDelivery(id, `state = 'failed', last_error = @error, next_attempt_at = @next, lease_until = NULL`, {
        error: String(error),
        next: nextAttemptAt.toISOString(),
      }),
    );
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.write(() =>
      this.updateDelivery(id, `state = 'failed', last_error = @error, next_attempt_at = NULL, lease_until = NULL`, {
        error: String(error),
      }),
    );
  }

  async markWaiting(id: number, reason: string): Promise<void> {
    this.write(() =>
      this.updateDelivery(id, `state = 'waiting', last_error = @error, lease_until = NULL`, { error: String(reason) }),
    );
  }

  async releaseWaiting(platform: ChatPlatformName, target: string): Promise<number> {
    const now = this.now();
    return this.write(
      () =>
        this.sql(
          `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ?
           WHERE platform = ? AND target = ? AND state = 'waiting'`,
        )
          .run(now, now, String(platform), String(target)).changes,
    );
  }

  async listDeliveries(alertId: string): Promise<Delivery[]> {
    const seq = alertSeq(alertId);
    if (seq === undefined) return [];
    const rows = this.sql('SELECT * FROM deliveries WHERE alert_seq = ? ORDER BY id').all(seq) as DeliveryRow[];
    return rows.map(deliveryFromRow);
  }

  async staleCards(limit: number, now: Date = this.clock()): Promise<DeliveryWork[]> {
    if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
    const rows = this.sql(
      `SELECT d.* FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
       WHERE d.state = 'posted' AND d.rendered_version < a.version
         AND (d.render_next_at IS NULL OR d.render_next_at <= ?)
       ORDER BY d.id LIMIT ?`,
    )
      .all(now.toISOString(), checkLimit(limit)) as DeliveryRow[];
    return this.withAlerts(rows);
  }

  async markRendered(id: number, version: number): Promise<void> {
    if (!Number.isInteger(version) || version < 1) throw new StoreInputError('version must be a positive integer');
    this.write(() =>
      this.updateDelivery(
        id,
        `rendered_version = CASE WHEN rendered_version IS NULL OR rendered_version < @version THEN @version ELSE rendered_version END,
         render_next_at = NULL, last_error = NULL`,
        { version },
      ),
    );
  }

  async deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.write(() =>
      this.updateDelivery(id, 'render_next_at = @next, last_error = @error', {
        next: nextAttemptAt.toISOString(),
        error: String(error),
      }),
    );
  }

  // ---- thread replies ---------------------------------------------------------

  async summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]> {
    const { threshold, postIndividual } = checkStormInput(input);
    const platforms = input.platforms.filter((p) => p === 'slack' || p === 'teams' || p === 'console');
    if (platforms.length === 0) return [];
    const paceMs = input.paceMs ?? 1000;
    return this.write(() => {
      const now = this.now();
      const groups = this.sql(
        `SELECT platform, target, created_at FROM deliveries
         WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform IN (${platforms.map(() => '?').join(', ')})
         GROUP BY platform, target, created_at HAVING COUNT(*) > ?`,
      ).all(...platforms, threshold) as { platform: ChatPlatformName; target: string; created_at: string }[];
      const created: StormDigest[] = [];
      for (const g of groups) {
        const rows = this.sql(
          `SELECT id, alert_seq FROM deliveries
           WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform = ? AND target = ? AND created_at = ? ORDER BY id`,
        ).all(g.platform, g.target, g.created_at) as { id: number; alert_seq: number }[];
        const alertIds = rows.map((r) => alertId(r.alert_seq));
        const inserted = this.sql(
          `INSERT INTO digests (platform, target, poll_at, alert_ids, state, attempts, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (platform, target, poll_at) DO NOTHING RETURNING id`,
        ).get(g.platform, g.target, g.created_at, JSON.stringify(alertIds), now, now, now) as { id: number } | undefined;
        if (inserted === undefined) continue;
        const base = this.clock().getTime();
        const mark = postIndividual
          ? this.sql('UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE id = ?')
          : this.sql(`UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`);
        rows.forEach((r, i) => {
          if (postIndividual) mark.run(new Date(base + (i + 1) * paceMs).toISOString(), now, r.id);
          else mark.run(`summarised in digest #${inserted.id}`, now, r.id);
        });
        created.push({ id: inserted.id, platform: g.platform, target: g.target, alertIds, attempts: 0, createdAt: new Date(now) });
      }
      return created;
    });
  }

  async claimDueDigests(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<StormDigest[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.write(() => {
      const rows = this.sql(
        `UPDATE digests SET next_attempt_at = @until, attempts = attempts + 1, updated_at = @at
         WHERE id IN (SELECT id FROM digests WHERE state = 'pending' AND next_attempt_at IS NOT NULL AND next_attempt_at <= @at
                      ORDER BY next_attempt_at, id LIMIT @max)
         RETURNING id, platform, target, alert_ids, attempts, created_at`,
      ).all({ at, until, max }) as { id: number; platform: ChatPlatformName; target: string; alert_ids: string; attempts: number; created_at: string }[];
      return rows
        .sort((a, b) => a.id - b.id)
        .map((r) => ({ id: r.id, platform: r.platform, target: r.target, alertIds: JSON.parse(r.alert_ids) as string[], attempts: r.attempts, createdAt: new Date(r.created_at) }));
    });
  }

  async finishDigest(id: number, result: { ref: MessageRef } | { error: string; retryAt?: Date }): Promise<void> {
    checkId(id);
    const now = this.now();
    this.write(() => {
      let info: Database.RunResult;
      if ('ref' in result) {
        checkMessageRef(result.ref);
        info = this.sql(`UPDATE digests SET state = 'posted', next_attempt_at = NULL, message_ref = ?, last_error = NULL, updated_at = ? WHERE id = ?`).run(toJson(result.ref, 'ref'), now, id);
      } else if (result.retryAt !== undefined) {
        if (!isValidDate(result.retryAt)) throw new StoreInputError('retryAt must be a valid Date');
        info = this.sql('UPDATE digests SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?').run(result.retryAt.toISOString(), String(result.error).slice(0, 2000), now, id);
      } else {
        info = this.sql(`UPDATE digests SET state = 'failed', next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`).run(String(result.error).slice(0, 2000), now, id);
      }
      if (info.changes === 0) throw new StoreInputError(`no digest ${id}`);
    });
  }

  async addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number> {
    if (typeof alertId !== 'string' || alertId.length === 0) throw new StoreInputError('alertId must be a non-empty string');
    checkTargets(targets);
    const seq = alertSeq(alertId);
    return this.write(() => {
      if (seq === undefined || !this.sql('SELECT 1 FROM alerts WHERE seq = ?').get(seq)) throw new StoreInputError(`no alert ${alertId}`);
      const now = this.now();
      const insert = this.sql(
        `INSERT INTO deliveries (alert_seq, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (alert_seq, platform, target) DO NOTHING`,
      );
      let added = 0;
      for (const t of targets) added += insert.run(seq, t.platform, t.target, now, now, now).changes;
      return added;
    });
  }

  async queueReplies(alertId: string, text: string): Promise<number> {
    checkReplyText(text);
    const seq = alertSeq(alertId);
    return this.write(() => {
      if (seq === undefined || !this.sql('SELECT 1 FROM alerts WHERE seq = ?').get(seq)) throw new StoreInputError(`no alert ${alertId}`);
      return this.insertReplies(seq, text);
    });
  }

  private insertReplies(seq: number, text: string): number {
    const now = this.now();
    return this.sql(
      `INSERT INTO replies (alert_seq, delivery_id, text, state, attempts, next_attempt_at, created_at, updated_at)
       SELECT d.alert_seq, d.id, ?, 'pending', 0, ?, ?, ? FROM deliveries d
       WHERE d.alert_seq = ? AND ${NOT_GIVEN_UP}
       ORDER BY d.id`,
    )
      .run(text, now, now, now, seq).changes;
  }

  async claimDueReplies(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<ReplyJob[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.write(() => {
      // One reply per card per claim, and only after the earlier ones went: threads stay in order.
      const claimed = this.sql(
        `UPDATE replies SET lease_until = @until, attempts = attempts + 1, updated_at = @at
         WHERE id IN (
           SELECT r.id FROM replies r JOIN deliveries d ON d.id = r.delivery_id
           WHERE r.state IN ('pending', 'failed') AND r.next_attempt_at IS NOT NULL AND r.next_attempt_at <= @at
             AND (r.lease_until IS NULL OR r.lease_until <= @at)
             AND d.state = 'posted'
             AND NOT EXISTS (
               SELECT 1 FROM replies e WHERE e.delivery_id = r.delivery_id AND e.id < r.id
                 AND e.state IN ('pending', 'failed') AND e.next_attempt_at IS NOT NULL)
           ORDER BY r.id LIMIT @max)
         RETURNING id`,
      )
        .all({ at, until, max }) as { id: number }[];
      const get = this.sql(
        `SELECT r.id, r.alert_seq, r.delivery_id, r.text, r.attempts, d.message_ref
         FROM replies r JOIN deliveries d ON d.id = r.delivery_id WHERE r.id = ?`,
      );
      return claimed
        .map((c) => c.id)
        .sort((a, b) => a - b)
        .map((id) => {
          const r = get.get(id) as { id: number; alert_seq: number; delivery_id: number; text: string; attempts: number; message_ref: string };
          return { id: r.id, alertId: alertId(r.alert_seq), deliveryId: r.delivery_id, text: r.text, attempts: r.attempts, ref: JSON.parse(r.message_ref) as MessageRef };
        });
    });
  }

  private updateReply(id: number, sql: string, params: Record<string, unknown>): void {
    const info = this.sql(`UPDATE replies SET ${sql}, lease_until = NULL, updated_at = @updated WHERE id = @id`)
      .run({ ...params, id: checkId(id), updated: this.now() });
    if (info.changes === 0) throw new StoreInputError(`no reply ${id}`);
  }

  async markReplied(id: number): Promise<void> {
    this.write(() => this.updateReply(id, "state = 'sent', next_attempt_at = NULL, last_error = NULL", {}));
  }

  async markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.write(() =>
      this.updateReply(id, "state = 'failed', last_error = @error, next_attempt_at = @next", {
        error: String(error),
        next: nextAttemptAt.toISOString(),
      }),
    );
  }

  async markReplyFailed(id: number, error: string): Promise<void> {
    this.write(() => this.updateReply(id, "state = 'failed', last_error = @error, next_attempt_at = NULL", { error: String(error) }));
  }

  // ---- conversation references --------------------------------------------------

  async saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void> {
    for (const [label, v] of [['platform', platform], ['key', key]] as const) {
      if (typeof v !== 'string' || v.length === 0) throw new StoreInputError(`${label} must be a non-empty string`);
    }
    if (typeof name !== 'string') throw new StoreInputError('name must be a string');
    const json = toJson(ref, 'conversation reference');
    const now = this.now();
    this.write(() =>
      this.sql(
        `INSERT INTO conversation_refs (platform, key, name, name_lower, ref, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (platform, key) DO UPDATE SET name = excluded.name, name_lower = excluded.name_lower,
           ref = excluded.ref, updated_at = excluded.updated_at`,
      )
      .run(platform, key, name, name.toLowerCase(), json, now),
    );
  }

  async getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined> {
    const p = String(platform);
    const k = String(keyOrName);
    const row = (this.sql('SELECT * FROM conversation_refs WHERE platform = ? AND key = ?').get(p, k) ??
      this.sql('SELECT * FROM conversation_refs WHERE platform = ? AND name_lower = ? ORDER BY updated_at DESC LIMIT 1')
        .get(p, k.toLowerCase())) as ConversationRefRow | undefined;
    return row ? conversationRefFromRow(row) : undefined;
  }

  async listConversationRefs(platform: string): Promise<ConversationRefRecord[]> {
    const rows = this.sql('SELECT * FROM conversation_refs WHERE platform = ? ORDER BY name_lower, key')
      .all(String(platform)) as ConversationRefRow[];
    return rows.map(conversationRefFromRow);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Opens (creating and migrating when needed) a SQLite store at `path`; ':memory:' for a throwaway one. */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}

/** The lease as the ISO text SQLite stores. */
function leaseWindow(now: Date, leaseMs: number): { at: string; until: string } {
  const { at, until } = leaseDates(now, leaseMs);
  return { at: at.toISOString(), until: until.toISOString() };
}
