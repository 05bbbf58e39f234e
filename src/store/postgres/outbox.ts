import type { QueryResult } from 'pg';
import type { ChatPlatformName, DeliveryTarget, MessageRef } from '../../delivery/types';
import type {
  Delivery,
  DigestOutcome,
  DeliveryWork,
  OutboxStore,
  ReplyJob,
  StormDigest,
  SummariseStormsInput,
  BudgetGrant,
  BudgetWindow,
} from '../outbox-store';
import { checkBudgetInput, checkBudgetWindows } from '../budget-input';
import { StoreInputError } from '../store';
import {
  checkId,
  checkLimit,
  checkDigestOutcome,
  checkMessageRef,
  checkReplyText,
  checkStormInput,
  checkTargets,
  isValidDate,
  leaseWindow,
  toJson,
} from '../validate';
import type { PgConnection, Queryable } from './connection';
import { alertFromRow, deliveryFromRow, replyFromRow, type AlertRow, type DeliveryRow, type ReplyRow } from './rows';

const DEFAULT_LEASE_MS = 60_000;
/** Deliveries given up on: failed with no next attempt. */
const NOT_GIVEN_UP = "NOT (d.state = 'failed' AND d.next_attempt_at IS NULL)";

/**
 * Deliveries, card versions, storm digests and thread replies in PostgreSQL.
 * Claims lock with FOR UPDATE SKIP LOCKED and lease the rows, so two replicas
 * never hand out the same delivery or reply.
 */
export class PgOutbox implements OutboxStore {
  constructor(private readonly conn: PgConnection) {}

  async claimDueDeliveries(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<DeliveryWork[]> {
    this.conn.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.conn.inTurn(async () => {
      // One statement: the locked rows are leased and committed together; rows another replica holds are skipped.
      const { rows } = await this.conn.db.query<DeliveryRow>(
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
    const found = await this.conn.db.query<AlertRow>('SELECT * FROM alerts WHERE id = ANY($1::text[])', [ids]);
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
    const { rowCount } = await this.conn.db.query(`UPDATE deliveries SET ${set}, updated_at = $2 WHERE id = $1`, [
      checked,
      this.conn.now(),
      ...values,
    ]);
    if (rowCount === 0) throw new StoreInputError(`no delivery ${id}`);
  }

  async markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void> {
    this.conn.checkOpen();
    checkMessageRef(ref);
    if (!Number.isInteger(renderedVersion) || renderedVersion < 0) {
      throw new StoreInputError('renderedVersion must be a non-negative integer (0: what the card shows is unknown)');
    }
    await this.updateDelivery(
      id,
      `state = 'posted', message_ref = $3::jsonb, rendered_version = $4, lease_until = NULL,
       next_attempt_at = NULL, last_error = NULL, render_next_at = NULL,
       render_attempts = 0, render_state = NULL, render_error = NULL`,
      [toJson(ref, 'message ref'), renderedVersion],
    );
  }

  async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.conn.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateDelivery(id, `state = 'failed', last_error = $3, next_attempt_at = $4, lease_until = NULL`, [
      String(error),
      nextAttemptAt,
    ]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.conn.checkOpen();
    await this.updateDelivery(id, `state = 'failed', last_error = $3, next_attempt_at = NULL, lease_until = NULL`, [String(error)]);
  }

  async markWaiting(id: number, reason: string): Promise<void> {
    this.conn.checkOpen();
    await this.updateDelivery(id, `state = 'waiting', last_error = $3, lease_until = NULL`, [String(reason)]);
  }

  async releaseWaiting(platform: ChatPlatformName, target: string): Promise<number> {
    this.conn.checkOpen();
    const now = this.conn.now();
    const { rowCount } = await this.conn.db.query(
      `UPDATE deliveries SET state = 'pending', next_attempt_at = $1, lease_until = NULL, updated_at = $1
       WHERE platform = $2 AND target = $3 AND state = 'waiting'`,
      [now, String(platform), String(target)],
    );
    const redraws = await this.conn.db.query(
      `UPDATE deliveries SET render_state = NULL, render_error = NULL, render_attempts = 0, render_next_at = NULL, updated_at = $1
       WHERE platform = $2 AND target = $3 AND render_state = 'waiting'`,
      [now, String(platform), String(target)],
    );
    const digests = await this.conn.db.query(
      `UPDATE digests SET state = 'pending', next_attempt_at = $1, updated_at = $1
       WHERE platform = $2 AND target = $3 AND state = 'waiting'`,
      [now, String(platform), String(target)],
    );
    return (rowCount ?? 0) + (redraws.rowCount ?? 0) + (digests.rowCount ?? 0);
  }

  async listDeliveries(alertId: string): Promise<Delivery[]> {
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<DeliveryRow>('SELECT * FROM deliveries WHERE alert_id = $1 ORDER BY id', [String(alertId)]);
    return rows.map(deliveryFromRow);
  }

  async staleCards(limit: number, now: Date = this.conn.clock()): Promise<DeliveryWork[]> {
    this.conn.checkOpen();
    if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
    const { rows } = await this.conn.db.query<DeliveryRow>(
      `SELECT d.* FROM deliveries d JOIN alerts a ON a.id = d.alert_id
       WHERE d.state = 'posted' AND d.rendered_version < a.version
         AND (d.render_next_at IS NULL OR d.render_next_at <= $1) AND d.render_state IS NULL
       ORDER BY d.render_attempts, d.id LIMIT $2`,
      [now, checkLimit(limit)],
    );
    return this.withAlerts(rows);
  }

  async markRendered(id: number, version: number): Promise<void> {
    this.conn.checkOpen();
    if (!Number.isInteger(version) || version < 1) throw new StoreInputError('version must be a positive integer');
    // GREATEST ignores NULL: an unknown rendering takes the version as given.
    await this.updateDelivery(
      id,
      'rendered_version = GREATEST(rendered_version, $3), render_next_at = NULL, last_error = NULL, render_attempts = 0',
      [version],
    );
  }

  async deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.conn.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateDelivery(id, 'render_next_at = $3, last_error = $4, render_attempts = render_attempts + 1', [
      nextAttemptAt,
      String(error),
    ]);
  }

  async stopRender(id: number, state: 'failed' | 'waiting', reason: string): Promise<void> {
    this.conn.checkOpen();
    if (state !== 'failed' && state !== 'waiting') throw new StoreInputError("state must be 'failed' or 'waiting'");
    const why = String(reason).slice(0, 2000);
    await this.updateDelivery(id, 'render_state = $3, render_error = $4, render_next_at = NULL, last_error = $4', [state, why]);
  }

  async summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]> {
    this.conn.checkOpen();
    const { threshold, postIndividual } = checkStormInput(input);
    const platforms = input.platforms.filter((p) => p === 'slack' || p === 'teams' || p === 'console');
    if (platforms.length === 0) return [];
    const paceMs = input.paceMs ?? 1000;
    // Due at the caller's `now` (see the SQLite store): its clock may be behind the store's.
    const dueAt = input.now;
    return this.conn.db.transaction(async (c) => {
      const now = this.conn.now();
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
           VALUES ($1, $2, $3, $4::jsonb, 'pending', 0, $6, $5, $5) ON CONFLICT (platform, target, poll_at) DO NOTHING RETURNING id`,
          [g.platform, g.target, g.created_at, JSON.stringify(alertIds), now, dueAt],
        );
        const digestId = inserted.rows[0] === undefined ? undefined : Number(inserted.rows[0].id);
        if (digestId === undefined) continue;
        const ids = rows.rows.map((r) => Number(r.id));
        if (postIndividual) {
          await c.query(
            `UPDATE deliveries d SET next_attempt_at = $4::timestamptz + (t.n * $3::bigint) * interval '1 millisecond', updated_at = $2
             FROM unnest($1::bigint[]) WITH ORDINALITY AS t (id, n) WHERE d.id = t.id`,
            [ids, now, paceMs, dueAt],
          );
        } else {
          await c.query(
            `UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, last_error = $2, updated_at = $3 WHERE id = ANY($1::bigint[])`,
            [ids, `summarised in digest #${digestId}`, now],
          );
        }
        created.push({ id: digestId, platform: g.platform, target: g.target, alertIds, attempts: 0, createdAt: now });
      }
      return created;
    });
  }

  async claimDueDigests(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<StormDigest[]> {
    this.conn.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    const { rows } = await this.conn.db.query<{
      id: string | number;
      platform: ChatPlatformName;
      target: string;
      alert_ids: string[];
      attempts: number;
      created_at: Date;
    }>(
      `UPDATE digests SET next_attempt_at = $2, attempts = attempts + 1, updated_at = $1
       WHERE id IN (SELECT id FROM digests WHERE state = 'pending' AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, platform, target, alert_ids, attempts, created_at`,
      [at, until, max],
    );
    return rows
      .map((r) => ({
        id: Number(r.id),
        platform: r.platform,
        target: r.target,
        alertIds: r.alert_ids,
        attempts: r.attempts,
        createdAt: r.created_at,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async finishDigest(id: number, result: DigestOutcome): Promise<void> {
    this.conn.checkOpen();
    checkId(id);
    const outcome = checkDigestOutcome(result);
    const now = this.conn.now();
    let res: QueryResult;
    switch (outcome.kind) {
      case 'posted':
        res = await this.conn.db.query(
          `UPDATE digests SET state = 'posted', next_attempt_at = NULL, message_ref = $2::jsonb, last_error = NULL, updated_at = $3 WHERE id = $1`,
          [id, toJson(outcome.ref, 'ref'), now],
        );
        break;
      case 'retry':
        res = await this.conn.db.query('UPDATE digests SET next_attempt_at = $2, last_error = $3, updated_at = $4 WHERE id = $1', [
          id,
          outcome.retryAt,
          outcome.error,
          now,
        ]);
        break;
      case 'waiting':
      case 'failed':
        // Both leave the due time empty: a waiting digest until releaseWaiting, a failed one for good.
        res = await this.conn.db.query(
          'UPDATE digests SET state = $2, next_attempt_at = NULL, last_error = $3, updated_at = $4 WHERE id = $1',
          [id, outcome.kind, outcome.error, now],
        );
        break;
    }
    if (res.rowCount === 0) throw new StoreInputError(`no digest ${id}`);
  }

  async addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number> {
    this.conn.checkOpen();
    if (typeof alertId !== 'string' || alertId.length === 0) throw new StoreInputError('alertId must be a non-empty string');
    checkTargets(targets);
    return this.conn.db.transaction(async (c) => {
      const found = await c.query('SELECT 1 FROM alerts WHERE id = $1', [alertId]);
      if (found.rows.length === 0) throw new StoreInputError(`no alert ${alertId}`);
      const now = this.conn.now();
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

  async takeBudget(key: string, limit: number, windowMs: number, now: Date): Promise<BudgetGrant> {
    this.conn.checkOpen();
    checkBudgetInput(key, limit, windowMs, now);
    const since = new Date(now.getTime() - windowMs);
    return this.conn.db.transaction(async (c) => {
      // Replicas taking slots under one key go one at a time.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`send_budget:${key}`]);
      await c.query('DELETE FROM send_budget WHERE key = $1 AND at <= $2', [key, since]);
      const { rows } = await c.query<{ n: string; oldest: Date | null }>(
        'SELECT COUNT(*) AS n, MIN(at) AS oldest FROM send_budget WHERE key = $1',
        [key],
      );
      const used = Number(rows[0]?.n ?? 0);
      if (used >= limit) {
        const frees = (rows[0]?.oldest ?? now).getTime() + windowMs;
        return { granted: false as const, retryAfterMs: Math.max(1, frees - now.getTime()) };
      }
      await c.query('INSERT INTO send_budget (key, at) VALUES ($1, $2)', [key, now]);
      return { granted: true as const };
    });
  }

  async takeBudgetWindows(key: string, windows: readonly BudgetWindow[], now: Date): Promise<BudgetGrant> {
    this.conn.checkOpen();
    checkBudgetWindows(key, windows, now);
    const longest = Math.max(...windows.map((w) => w.windowMs));
    return this.conn.db.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`send_budget:${key}`]);
      await c.query('DELETE FROM send_budget WHERE key = $1 AND at <= $2', [key, new Date(now.getTime() - longest)]);
      // Per window, the slot that must leave it for one to free up (the limit-th newest).
      let wait = 0;
      for (const w of windows) {
        const { rows } = await c.query<{ at: Date }>(
          'SELECT at FROM send_budget WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3',
          [key, new Date(now.getTime() - w.windowMs), w.limit - 1],
        );
        const blocking = rows[0];
        if (blocking !== undefined) wait = Math.max(wait, blocking.at.getTime() + w.windowMs - now.getTime());
      }
      if (wait > 0) return { granted: false as const, retryAfterMs: Math.max(1, wait) };
      await c.query('INSERT INTO send_budget (key, at) VALUES ($1, $2)', [key, now]);
      return { granted: true as const };
    });
  }

  async queueReplies(alertId: string, text: string): Promise<number> {
    this.conn.checkOpen();
    checkReplyText(text);
    return this.conn.db.transaction(async (c) => {
      const found = await c.query('SELECT 1 FROM alerts WHERE id = $1', [String(alertId)]);
      if (found.rows.length === 0) throw new StoreInputError(`no alert ${alertId}`);
      return insertReplies(c, String(alertId), text, this.conn.now());
    });
  }

  async claimDueReplies(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<ReplyJob[]> {
    this.conn.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.conn.inTurn(async () => {
      // One reply per card per claim, and only after the earlier ones went: threads stay in order.
      const { rows } = await this.conn.db.query<ReplyRow>(
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
    const { rowCount } = await this.conn.db.query(`UPDATE replies SET ${set}, lease_until = NULL, updated_at = $2 WHERE id = $1`, [
      checked,
      this.conn.now(),
      ...values,
    ]);
    if (rowCount === 0) throw new StoreInputError(`no reply ${id}`);
  }

  async markReplied(id: number): Promise<void> {
    this.conn.checkOpen();
    await this.updateReply(id, "state = 'sent', next_attempt_at = NULL, last_error = NULL", []);
  }

  async markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    this.conn.checkOpen();
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.updateReply(id, "state = 'failed', last_error = $3, next_attempt_at = $4", [String(error), nextAttemptAt]);
  }

  async markReplyFailed(id: number, error: string): Promise<void> {
    this.conn.checkOpen();
    await this.updateReply(id, "state = 'failed', last_error = $3, next_attempt_at = NULL", [String(error)]);
  }
}

/** Queues `text` under every copy of the alert's card not given up on; inside the caller's transaction. */
export async function insertReplies(q: Queryable, alertId: string, text: string, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    `INSERT INTO replies (alert_id, delivery_id, text, state, attempts, next_attempt_at, created_at, updated_at)
     SELECT d.alert_id, d.id, $1, 'pending', 0, $2, $2, $2 FROM deliveries d
     WHERE d.alert_id = $3 AND ${NOT_GIVEN_UP}
     ORDER BY d.id`,
    [text, now, alertId],
  );
  return rowCount ?? 0;
}
