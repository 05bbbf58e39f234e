import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { Alert, AlertTarget, AuditEntry, NewAlert } from '../../alerts/types';
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
  leaseWindow,
  toJson,
} from '../validate';
import { checkNonEmpty } from './checks';
import { loadPgMigrations, migratePg } from './migrate';
import { PgRunner, createPool, describeDatabase, type PgPoolOptions } from './pool';
import {
  alertFromRow,
  auditFromRow,
  changeToJson,
  conversationRefFromRow,
  deliveryFromRow,
  replyFromRow,
  type AlertRow,
  type AuditRow,
  type ConversationRefRow,
  type DeliveryRow,
  type ReplyRow,
} from './rows';

export interface PostgresStoreOptions extends PgPoolOptions {
  /** Time source for created/updated stamps and "due now"; defaults to the system clock. */
  clock?: () => Date;
}

const DEFAULT_LEASE_MS = 60_000;
const STATUSES = new Set(['open', 'acknowledged', 'escalated', 'resolved']);
const CLASSIFICATIONS = new Set(['true_positive', 'benign_positive', 'false_positive']);
/** Deliveries given up on: failed with no next attempt. */
const NOT_GIVEN_UP = "NOT (d.state = 'failed' AND d.next_attempt_at IS NULL)";

/** Alert columns in insert order; the values come from alertValues in the same order. */
const ALERT_COLUMNS = [
  ['id', ''], ['seq', ''], ['detection_id', ''], ['detection_name', ''], ['fingerprint', ''], ['workspace', ''],
  ['title', ''], ['description', ''], ['severity', ''], ['tactics', '::json'], ['techniques', '::json'],
  ['event_time', ''], ['subject', '::json'], ['subject_upn', ''], ['action', ''], ['source_ip', ''],
  ['source_location', ''], ['insights', '::json'], ['investigation_priority', ''], ['entities', '::json'],
  ['details', '::json'], ['target', '::json'], ['raw', '::json'], ['ingestion_time', ''], ['created_at', ''], ['updated_at', ''],
] as const;
const INSERT_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.map(([c]) => c).join(', ')})
  VALUES (${ALERT_COLUMNS.map(([, cast], i) => `$${i + 1}${cast}`).join(', ')})
  ON CONFLICT (detection_id, fingerprint) DO NOTHING
  RETURNING *`;

/** A validated alert, serialised and ready to insert but for its id. */
type PreparedAlert = { values: unknown[] };

/**
 * The Store for several replicas: PostgreSQL through a connection pool.
 * Writes that must be atomic run in one transaction on one connection; the
 * outbox claims lock with FOR UPDATE SKIP LOCKED and lease the rows, so two
 * replicas never hand out the same delivery or reply.
 */
export class PostgresStore implements Store {
  private readonly db: PgRunner;
  private readonly clock: () => Date;
  private closed = false;
  /** Claims from this replica run one after another, in call order; other replicas are kept apart by the row locks. */
  private claims: Promise<unknown> = Promise.resolve();

  private constructor(private readonly pool: Pool, clock: () => Date) {
    this.db = new PgRunner(pool);
    this.clock = clock;
  }

  /** Connects, creates the schema when missing and applies pending migrations. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = createPool(url, options);
    const clock = options.clock ?? (() => new Date());
    try {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new Error(`cannot connect to PostgreSQL at ${describeDatabase(url)}: ${(err as Error).message}`);
      }
      try {
        await migratePg(client, loadPgMigrations(), { schema: options.schema, now: clock });
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool, clock);
  }

  private now(): Date {
    return this.clock();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }

  // ---- alerts and polling ------------------------------------------------

  async recordPoll(input: RecordPollInput): Promise<Alert[]> {
    this.checkOpen();
    if (typeof input !== 'object' || input === null) throw new StoreInputError('recordPoll input must be an object');
    const { workspace, detectionId, watermark, alerts, targets } = input;
    if (typeof workspace !== 'string' || workspace.length === 0) throw new StoreInputError('workspace must be a non-empty string');
    if (typeof detectionId !== 'string' || detectionId.length === 0) throw new StoreInputError('detectionId must be a non-empty string');
    if (!isValidDate(watermark)) throw new StoreInputError('watermark must be a valid Date');
    if (!Array.isArray(alerts)) throw new StoreInputError('alerts must be an array');
    checkTargets(targets);
    const uniqueTargets = [...new Map(targets.map((t) => [`${t.platform}\u0000${t.target}`, t])).values()];
    const now = this.now();
    // Everything is checked and serialised before the transaction starts: a bad alert writes nothing.
    const prepared = alerts.map((a: unknown, i) => {
      checkNewAlert(a, i);
      if (a.detectionId !== detectionId || a.workspace !== workspace) {
        throw new StoreInputError(
          `alert #${i + 1} (${a.fingerprint}) belongs to ${a.workspace}/${a.detectionId}, not ${workspace}/${detectionId}`,
        );
      }
      return prepareAlert(a, now);
    });

    return this.db.transaction(async (c) => {
      const created: Alert[] = [];
      if (prepared.length > 0) {
        // The counter row's lock serialises inserting polls, so ids stay gap-free and in commit order.
        const counter = await c.query<{ value: number }>("SELECT value FROM counters WHERE name = 'alert' FOR UPDATE");
        let seq = counter.rows[0].value;
        for (const p of prepared) {
          const next = seq + 1;
          const inserted = await c.query<AlertRow>(INSERT_ALERT, [`FW-${next}`, next, ...p.values]);
          if (inserted.rows.length === 0) continue; // Seen before: the fingerprint is already stored.
          seq = next;
          const alert = alertFromRow(inserted.rows[0]);
          await c.query(
            `INSERT INTO deliveries (alert_id, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
             SELECT $1, t.platform, t.target, 'pending', 0, $4, $4, $4
             FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t (platform, target, n) ORDER BY t.n`,
            [alert.id, uniqueTargets.map((t) => t.platform), uniqueTargets.map((t) => t.target), now],
          );
          created.push(alert);
        }
        if (seq !== counter.rows[0].value) await c.query("UPDATE counters SET value = $1 WHERE name = 'alert'", [seq]);
      }
      await c.query(
        `INSERT INTO watermarks (workspace, detection_id, watermark, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace, detection_id) DO UPDATE SET
           watermark = GREATEST(watermarks.watermark, excluded.watermark), updated_at = excluded.updated_at`,
        [workspace, detectionId, watermark, now],
      );
      return created;
    });
  }

  async getWatermark(workspace: string, detectionId: string): Promise<Date | undefined> {
    this.checkOpen();
    const { rows } = await this.db.query<{ watermark: Date }>(
      'SELECT watermark FROM watermarks WHERE workspace = $1 AND detection_id = $2',
      [String(workspace), String(detectionId)],
    );
    return rows[0]?.watermark;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    this.checkOpen();
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [String(id)]);
    return rows.length > 0 ? alertFromRow(rows[0]) : undefined;
  }

  async listAlerts(query: ListAlertsQuery): Promise<Alert[]> {
    this.checkOpen();
    const limit = checkLimit(query?.limit);
    const status = query.status ?? 'open';
    if (status !== 'open' && status !== 'all') throw new StoreInputError('status must be "open" or "all"');
    const where = status === 'open' ? "WHERE status <> 'resolved'" : '';
    const { rows } = await this.db.query<AlertRow>(`SELECT * FROM alerts ${where} ORDER BY seq DESC LIMIT $1`, [limit]);
    return rows.map(alertFromRow);
  }

  async findAlertsBySubject(upn: string, limit: number): Promise<Alert[]> {
    this.checkOpen();
    if (typeof upn !== 'string') throw new StoreInputError('upn must be a string');
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE subject_upn = $1 ORDER BY seq DESC LIMIT $2', [
      upn.trim().toLowerCase(),
      checkLimit(limit),
    ]);
    return rows.map(alertFromRow);
  }

  async findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]> {
    this.checkOpen();
    checkFingerprintQuery(detectionId, []);
    const { rows } = await this.db.query<AlertRow>(
      "SELECT * FROM alerts WHERE detection_id = $1 AND workspace = $2 AND target->>'unavailable' IS NOT NULL ORDER BY seq LIMIT $3",
      [detectionId, String(workspace), checkLimit(limit)],
    );
    return rows.map(alertFromRow);
  }

  async fillTarget(id: string, target: AlertTarget): Promise<Alert | undefined> {
    this.checkOpen();
    checkFilledTarget(target);
    const { rows } = await this.db.query<AlertRow>(
      `UPDATE alerts SET target = $1::json, version = version + 1, updated_at = $2
       WHERE id = $3 AND target->>'unavailable' IS NOT NULL RETURNING *`,
      [toJson(target, `alert ${id}: target`), this.now(), String(id)],
    );
    return rows.length > 0 ? alertFromRow(rows[0]) : undefined;
  }

  async findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]> {
    this.checkOpen();
    checkFingerprintQuery(detectionId, fingerprints);
    if (fingerprints.length === 0) return [];
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE detection_id = $1 AND fingerprint = ANY($2::text[]) ORDER BY seq', [
      detectionId,
      [...fingerprints],
    ]);
    return rows.map(alertFromRow);
  }

  // ---- transitions and audit ----------------------------------------------

  async transition(req: TransitionRequest): Promise<TransitionResult> {
    this.checkOpen();
    if (typeof req !== 'object' || req === null) throw new StoreInputError('transition request must be an object');
    if (typeof req.alertId !== 'string') throw new StoreInputError('transition: alertId must be a string');
    if (!Array.isArray(req.from) || req.from.length === 0) throw new StoreInputError('transition: from must list at least one status');
    if (typeof req.to !== 'string' || !STATUSES.has(req.to)) throw new StoreInputError('transition: to must be open, acknowledged, escalated or resolved');
    if (req.classification !== undefined && req.classification !== null && !CLASSIFICATIONS.has(req.classification)) {
      throw new StoreInputError('transition: classification must be true_positive, benign_positive, false_positive or null');
    }
    if (req.ifVersion !== undefined && !Number.isSafeInteger(req.ifVersion)) throw new StoreInputError('transition: ifVersion must be an integer');
    if (!isValidDate(req.change?.at)) throw new StoreInputError('transition: change.at must be a valid Date');
    checkActor(req.change.actor, 'transition change');
    checkAudit({ ...req.audit, outcome: 'allowed' });
    if (req.replyText !== undefined) checkReplyText(req.replyText);
    const change = changeToJson(req.change);

    return this.db.transaction(async (c): Promise<TransitionResult> => {
      // The row lock makes concurrent transitions of one alert (from any replica) queue here and re-read.
      // NO KEY UPDATE: the id does not change, so rows referencing the alert can still be inserted meanwhile.
      const current = await c.query<AlertRow>('SELECT * FROM alerts WHERE id = $1 FOR NO KEY UPDATE', [req.alertId]);
      if (current.rows.length === 0) return { ok: false, reason: 'not_found' };
      const row = current.rows[0];
      const previous = alertFromRow(row);
      if (req.ifVersion !== undefined && previous.version !== req.ifVersion) return { ok: false, reason: 'changed', alert: previous };
      if (!req.from.includes(previous.status)) return { ok: false, reason: 'status', alert: previous };
      const classification = req.classification === undefined ? row.classification : req.classification;
      const updated = await c.query<AlertRow>(
        `UPDATE alerts SET status = $1, classification = $2, last_change = $3::jsonb, version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6 RETURNING *`,
        [req.to, classification, change, this.now(), req.alertId, row.version],
      );
      // Unreachable under the row lock; kept so the statement is a true compare-and-set.
      if (updated.rows.length === 0) throw new Error(`alert ${req.alertId} changed during its own transaction`);
      await insertAudit(c, { ...req.audit, alertId: req.alertId, outcome: 'allowed' });
      if (req.replyText !== undefined) await insertReplies(c, req.alertId, req.replyText, this.now());
      return { ok: true, alert: alertFromRow(updated.rows[0]), previous };
    });
  }

  async appendAudit(entry: AuditEntry): Promise<AuditEntry> {
    this.checkOpen();
    checkAudit(entry);
    return insertAudit(this.db, entry);
  }

  async listAudit(query: ListAuditQuery): Promise<AuditEntry[]> {
    this.checkOpen();
    const limit = checkLimit(query?.limit);
    const { rows } =
      query.alertId === undefined
        ? await this.db.query<AuditRow>('SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT $1) AS recent ORDER BY id', [limit])
        : await this.db.query<AuditRow>(
            'SELECT * FROM (SELECT * FROM audit_log WHERE alert_id = $1 ORDER BY id DESC LIMIT $2) AS recent ORDER BY id',
            [String(query.alertId), limit],
          );
    return rows.map(auditFromRow);
  }

  // ---- delivery outbox ------------------------------------------------------

  /** Runs claims from this store one at a time, in the order they were asked for. */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.claims.then(fn, fn);
    this.claims = run.catch(() => undefined);
    return run;
  }

  async claimDueDeliveries(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<DeliveryWork[]> {
    this.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.inTurn(async () => {
      // One statement: the locked rows are leased and committed together; rows another replica holds are skipped.
      const { rows } = await this.db.query<DeliveryRow>(
        `WITH due AS (
           SELECT id FROM deliveries
           WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1
             AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, id LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE deliveries d SET lease_until = $2, attempts = d.attempts + 1, updated_at = $1
         FROM due WHERE d.id = due.id
         RETURNING d.*`,
        [at, until, max],
      );
      return this.withAlerts(rows.sort((a, b) => Number(a.id) - Number(b.id)));
    });
  }

  private async withAlerts(rows: DeliveryRow[]): Promise<DeliveryWork[]> {
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => r.alert_id))];
    const found = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE id = ANY($1::text[])', [ids]);
    const alerts = new Map(found.rows.map((r) => [r.id, alertFromRow(r)]));
    return rows.map((r) => {
      const alert = alerts.get(r.alert_id);
      // Deliveries reference alerts by foreign key and alerts are never deleted.
      if (!alert) throw new Error(`delivery ${r.id} refers to missing alert ${r.alert_id}`);
      return { delivery: deliveryFromRow(r), alert };
    });
  }

  /** `set` uses $3 onwards for `values`; $1 is the id, $2 the update time. */
  private async updateDelivery(id: number, set: string, values: unknown[]): Promise<void> {
    const checked = checkId(id);
    const { rowCount } = await this.db.query(`UPDATE deliveries SET ${set}, updated_at = $2 WHERE id = $1`, [
      checked,
      this.now(),
      ...values,
    ]);
    if (rowCount === 0) throw new StoreInputError(`no delivery ${id}`);
  }

  async markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void> {
    this.checkOpen();
    checkMessageRef(ref);
    if (!Number.isInteger(renderedVersion) || renderedVersion < 0) {
      throw new StoreInputError('renderedVersion must be a non-negative integer (0: what the card shows is unknown)');
    }
    await this.updateDelivery(
      id,
      `state = 'posted', message_ref = $3::jsonb, rendered_version = $4, lease_until = NULL,
       next_attempt_at = NULL, last_error = NULL, render_next_at = NULL`,
      [toJson(ref, 'message ref'), renderedVersion],
    );
  }

  async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateDelivery(id, `state = 'failed', last_error = $3, next_attempt_at = $4, lease_until = NULL`, [
      String(error),
      nextAttemptAt,
    ]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.checkOpen();
    await this.updateDelivery(id, `state = 'failed', last_error = $3, next_attempt_at = NULL, lease_until = NULL`, [String(error)]);
  }

  async markWaiting(id: number, reason: string): Promise<void> {
    this.checkOpen();
    await this.updateDelivery(id, `state = 'waiting', last_error = $3, lease_until = NULL`, [String(reason)]);
  }

  async releaseWaiting(platform: ChatPlatformName, target: string): Promise<number> {
    this.checkOpen();
    const now = this.now();
    const { rowCount } = await this.db.query(
      `UPDATE deliveries SET state = 'pending', next_attempt_at = $1, lease_until = NULL, updated_at = $1
       WHERE platform = $2 AND target = $3 AND state = 'waiting'`,
      [now, String(platform), String(target)],
    );
    return rowCount ?? 0;
  }

  async listDeliveries(alertId: string): Promise<Delivery[]> {
    this.checkOpen();
    const { rows } = await this.db.query<DeliveryRow>('SELECT * FROM deliveries WHERE alert_id = $1 ORDER BY id', [String(alertId)]);
    return rows.map(deliveryFromRow);
  }

  async staleCards(limit: number, now: Date = this.clock()): Promise<DeliveryWork[]> {
    this.checkOpen();
    if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT d.* FROM deliveries d JOIN alerts a ON a.id = d.alert_id
       WHERE d.state = 'posted' AND d.rendered_version < a.version
         AND (d.render_next_at IS NULL OR d.render_next_at <= $1)
       ORDER BY d.id LIMIT $2`,
      [now, checkLimit(limit)],
    );
    return this.withAlerts(rows);
  }

  async markRendered(id: number, version: number): Promise<void> {
    this.checkOpen();
    if (!Number.isInteger(version) || version < 1) throw new StoreInputError('version must be a positive integer');
    // GREATEST ignores NULL: an unknown rendering takes the version as given.
    await this.updateDelivery(id, 'rendered_version = GREATEST(rendered_version, $3), render_next_at = NULL, last_error = NULL', [
      version,
    ]);
  }

  async deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateDelivery(id, 'render_next_at = $3, last_error = $4', [nextAttemptAt, String(error)]);
  }

  // ---- thread replies ---------------------------------------------------------

  async summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]> {
    this.checkOpen();
    const { threshold, postIndividual } = checkStormInput(input);
    const platforms = input.platforms.filter((p) => p === 'slack' || p === 'teams' || p === 'console');
    if (platforms.length === 0) return [];
    const paceMs = input.paceMs ?? 1000;
    return this.db.transaction(async (c) => {
      const now = this.now();
      const groups = await c.query<{ platform: ChatPlatformName; target: string; created_at: Date }>(
        `SELECT platform, target, created_at FROM deliveries
         WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform = ANY($1::text[])
         GROUP BY platform, target, created_at HAVING COUNT(*) > $2`,
        [platforms, threshold],
      );
      const created: StormDigest[] = [];
      for (const g of groups.rows) {
        const rows = await c.query<{ id: string | number; alert_id: string }>(
          `SELECT id, alert_id FROM deliveries
           WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform = $1 AND target = $2 AND created_at = $3
           ORDER BY id FOR UPDATE`,
          [g.platform, g.target, g.created_at],
        );
        const alertIds = rows.rows.map((r) => r.alert_id);
        const inserted = await c.query<{ id: string | number }>(
          `INSERT INTO digests (platform, target, poll_at, alert_ids, state, attempts, next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4::jsonb, 'pending', 0, $5, $5, $5) ON CONFLICT (platform, target, poll_at) DO NOTHING RETURNING id`,
          [g.platform, g.target, g.created_at, JSON.stringify(alertIds), now],
        );
        const digestId = inserted.rows[0] === undefined ? undefined : Number(inserted.rows[0].id);
        if (digestId === undefined) continue;
        const ids = rows.rows.map((r) => Number(r.id));
        if (postIndividual) {
          await c.query(
            `UPDATE deliveries d SET next_attempt_at = $2::timestamptz + (t.n * $3::bigint) * interval '1 millisecond', updated_at = $2
             FROM unnest($1::bigint[]) WITH ORDINALITY AS t (id, n) WHERE d.id = t.id`,
            [ids, now, paceMs],
          );
        } else {
          await c.query(`UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, last_error = $2, updated_at = $3 WHERE id = ANY($1::bigint[])`, [
            ids,
            `summarised in digest #${digestId}`,
            now,
          ]);
        }
        created.push({ id: digestId, platform: g.platform, target: g.target, alertIds, attempts: 0, createdAt: now });
      }
      return created;
    });
  }

  async claimDueDigests(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<StormDigest[]> {
    this.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    const { rows } = await this.db.query<{ id: string | number; platform: ChatPlatformName; target: string; alert_ids: string[]; attempts: number; created_at: Date }>(
      `UPDATE digests SET next_attempt_at = $2, attempts = attempts + 1, updated_at = $1
       WHERE id IN (SELECT id FROM digests WHERE state = 'pending' AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, platform, target, alert_ids, attempts, created_at`,
      [at, until, max],
    );
    return rows
      .map((r) => ({ id: Number(r.id), platform: r.platform, target: r.target, alertIds: r.alert_ids, attempts: r.attempts, createdAt: r.created_at }))
      .sort((a, b) => a.id - b.id);
  }

  async finishDigest(id: number, result: { ref: MessageRef } | { error: string; retryAt?: Date }): Promise<void> {
    this.checkOpen();
    checkId(id);
    const now = this.now();
    let res: QueryResult;
    if ('ref' in result) {
      checkMessageRef(result.ref);
      res = await this.db.query(`UPDATE digests SET state = 'posted', next_attempt_at = NULL, message_ref = $2::jsonb, last_error = NULL, updated_at = $3 WHERE id = $1`, [
        id,
        toJson(result.ref, 'ref'),
        now,
      ]);
    } else if (result.retryAt !== undefined) {
      if (!isValidDate(result.retryAt)) throw new StoreInputError('retryAt must be a valid Date');
      res = await this.db.query('UPDATE digests SET next_attempt_at = $2, last_error = $3, updated_at = $4 WHERE id = $1', [id, result.retryAt, String(result.error).slice(0, 2000), now]);
    } else {
      res = await this.db.query(`UPDATE digests SET state = 'failed', next_attempt_at = NULL, last_error = $2, updated_at = $3 WHERE id = $1`, [id, String(result.error).slice(0, 2000), now]);
    }
    if (res.rowCount === 0) throw new StoreInputError(`no digest ${id}`);
  }

  async addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number> {
    this.checkOpen();
    if (typeof alertId !== 'string' || alertId.length === 0) throw new StoreInputError('alertId must be a non-empty string');
    checkTargets(targets);
    return this.db.transaction(async (c) => {
      const found = await c.query('SELECT 1 FROM alerts WHERE id = $1', [alertId]);
      if (found.rows.length === 0) throw new StoreInputError(`no alert ${alertId}`);
      const now = this.now();
      let added = 0;
      for (const t of targets) {
        const res = await c.query(
          `INSERT INTO deliveries (alert_id, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, $3, 'pending', 0, $4, $4, $4) ON CONFLICT (alert_id, platform, target) DO NOTHING`,
          [alertId, t.platform, t.target, now],
        );
        added += res.rowCount ?? 0;
      }
      return added;
    });
  }

  async queueReplies(alertId: string, text: string): Promise<number> {
    this.checkOpen();
    checkReplyText(text);
    return this.db.transaction(async (c) => {
      const found = await c.query('SELECT 1 FROM alerts WHERE id = $1', [String(alertId)]);
      if (found.rows.length === 0) throw new StoreInputError(`no alert ${alertId}`);
      return insertReplies(c, String(alertId), text, this.now());
    });
  }

  async claimDueReplies(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<ReplyJob[]> {
    this.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.inTurn(async () => {
      // One reply per card per claim, and only after the earlier ones went: threads stay in order.
      const { rows } = await this.db.query<ReplyRow>(
        `WITH due AS (
           SELECT r.id FROM replies r JOIN deliveries d ON d.id = r.delivery_id
           WHERE r.state IN ('pending', 'failed') AND r.next_attempt_at IS NOT NULL AND r.next_attempt_at <= $1
             AND (r.lease_until IS NULL OR r.lease_until <= $1)
             AND d.state = 'posted'
             AND NOT EXISTS (
               SELECT 1 FROM replies e WHERE e.delivery_id = r.delivery_id AND e.id < r.id
                 AND e.state IN ('pending', 'failed') AND e.next_attempt_at IS NOT NULL)
           ORDER BY r.id LIMIT $3
           FOR UPDATE OF r SKIP LOCKED)
         UPDATE replies r SET lease_until = $2, attempts = r.attempts + 1, updated_at = $1
         FROM due, deliveries d WHERE r.id = due.id AND d.id = r.delivery_id
         RETURNING r.id, r.alert_id, r.delivery_id, r.text, r.attempts, d.message_ref`,
        [at, until, max],
      );
      return rows.map(replyFromRow).sort((a, b) => a.id - b.id);
    });
  }

  /** `set` uses $3 onwards for `values`; $1 is the id, $2 the update time. */
  private async updateReply(id: number, set: string, values: unknown[]): Promise<void> {
    const checked = checkId(id);
    const { rowCount } = await this.db.query(`UPDATE replies SET ${set}, lease_until = NULL, updated_at = $2 WHERE id = $1`, [
      checked,
      this.now(),
      ...values,
    ]);
    if (rowCount === 0) throw new StoreInputError(`no reply ${id}`);
  }

  async markReplied(id: number): Promise<void> {
    this.checkOpen();
    await this.updateReply(id, "state = 'sent', next_attempt_at = NULL, last_error = NULL", []);
  }

  async markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateReply(id, "state = 'failed', last_error = $3, next_attempt_at = $4", [String(error), nextAttemptAt]);
  }

  async markReplyFailed(id: number, error: string): Promise<void> {
    this.checkOpen();
    await this.updateReply(id, "state = 'failed', last_error = $3, next_attempt_at = NULL", [String(error)]);
  }

  // ---- conversation references --------------------------------------------------

  async saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void> {
    this.checkOpen();
    checkNonEmpty('platform', platform);
    checkNonEmpty('key', key);
    if (typeof name !== 'string') throw new StoreInputError('name must be a string');
    const json = toJson(ref, 'conversation reference');
    await this.db.query(
      `INSERT INTO conversation_refs (platform, key, name, name_lower, ref, updated_at) VALUES ($1, $2, $3, $4, $5::json, $6)
       ON CONFLICT (platform, key) DO UPDATE SET name = excluded.name, name_lower = excluded.name_lower,
         ref = excluded.ref, updated_at = excluded.updated_at`,
      [platform, key, name, name.toLowerCase(), json, this.now()],
    );
  }

  async getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined> {
    this.checkOpen();
    const p = String(platform);
    const k = String(keyOrName);
    const byKey = await this.db.query<ConversationRefRow>('SELECT * FROM conversation_refs WHERE platform = $1 AND key = $2', [p, k]);
    const rows =
      byKey.rows.length > 0
        ? byKey.rows
        : (
            await this.db.query<ConversationRefRow>(
              'SELECT * FROM conversation_refs WHERE platform = $1 AND name_lower = $2 ORDER BY updated_at DESC, key COLLATE "C" LIMIT 1',
              [p, k.toLowerCase()],
            )
          ).rows;
    return rows.length > 0 ? conversationRefFromRow(rows[0]) : undefined;
  }

  async listConversationRefs(platform: string): Promise<ConversationRefRecord[]> {
    this.checkOpen();
    // Byte order, as SQLite sorts, whatever collation the database was created with.
    const { rows } = await this.db.query<ConversationRefRow>(
      'SELECT * FROM conversation_refs WHERE platform = $1 ORDER BY name_lower COLLATE "C", key COLLATE "C"',
      [String(platform)],
    );
    return rows.map(conversationRefFromRow);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.claims;
    await this.pool.end();
  }
}

/** Something that runs a query: a pool runner or a client inside a transaction. */
interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

async function insertAudit(q: Queryable, e: AuditEntry): Promise<AuditEntry> {
  const { rows } = await q.query<AuditRow>(
    `INSERT INTO audit_log (at, actor, actor_platform, actor_id, action, alert_id, outcome, detail, origin)
     VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [e.at, toJson(e.actor, 'audit actor'), e.actor.platform, e.actor.id, e.action, e.alertId ?? null, e.outcome, e.detail ?? null, e.origin],
  );
  return auditFromRow(rows[0]);
}

async function insertReplies(q: Queryable, alertId: string, text: string, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    `INSERT INTO replies (alert_id, delivery_id, text, state, attempts, next_attempt_at, created_at, updated_at)
     SELECT d.alert_id, d.id, $1, 'pending', 0, $2, $2, $2 FROM deliveries d
     WHERE d.alert_id = $3 AND ${NOT_GIVEN_UP}
     ORDER BY d.id`,
    [text, now, alertId],
  );
  return rowCount ?? 0;
}

/** Serialises an alert's columns after id and seq, in ALERT_COLUMNS order. */
function prepareAlert(a: NewAlert, now: Date): PreparedAlert {
  const what = `alert ${a.fingerprint}`;
  return {
    values: [
      a.detectionId,
      a.detectionName,
      a.fingerprint,
      a.workspace,
      a.title,
      a.description ?? null,
      a.severity,
      toJson(a.tactics, `${what}: tactics`),
      toJson(a.techniques, `${what}: techniques`),
      a.eventTime,
      toJson(a.subject, `${what}: subject`),
      a.subject.upn ? a.subject.upn.toLowerCase() : null,
      a.action ?? null,
      a.sourceIp ?? null,
      a.sourceLocation ?? null,
      toJson(a.insights, `${what}: insights`),
      a.investigationPriority ?? null,
      toJson(a.entities, `${what}: entities`),
      toJson(a.details, `${what}: details`),
      a.target === null ? null : toJson(a.target, `${what}: target`),
      toJson(a.raw, `${what}: raw`),
      a.ingestionTime ?? null,
      now,
      now,
    ],
  };
}

/** Connects to PostgreSQL at `url`, creating the schema and applying migrations when needed. */
export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
