import type Database from 'better-sqlite3';
import type { ChatPlatformName, DeliveryTarget, MessageRef } from '../../delivery/types';
import { checkBudgetInput, checkBudgetWindows } from '../budget-input';
import type {
  BudgetGrant,
  BudgetWindow,
  Delivery,
  DigestOutcome,
  DeliveryWork,
  OutboxStore,
  ReplyJob,
  StormDigest,
  SummariseStormsInput,
} from '../outbox-store';
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
  leaseWindow as leaseDates,
  toJson,
} from '../validate';
import type { BodyParts } from './body-parts';
import type { SqliteConnection } from './connection';
import { alertFromRow, alertId, alertSeq, deliveryFromRow, type AlertRow, type DeliveryRow } from './rows';

const DEFAULT_LEASE_MS = 60_000;
/** Deliveries given up on: failed with no next attempt. */
const NOT_GIVEN_UP = "NOT (d.state = 'failed' AND d.next_attempt_at IS NULL)";

/** Deliveries, card versions, storm digests and thread replies in SQLite. */
export class SqliteOutbox implements OutboxStore {
  constructor(
    private readonly conn: SqliteConnection,
    private readonly parts: BodyParts,
  ) {}

  async claimDueDeliveries(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<DeliveryWork[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.conn.write(() => {
      // On Postgres the inner SELECT gains FOR UPDATE SKIP LOCKED.
      const rows = this.conn
        .sql(
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
    const get = this.conn.sql('SELECT * FROM alerts WHERE seq = ?');
    return rows.map((r) => ({ delivery: deliveryFromRow(r), alert: alertFromRow(get.get(r.alert_seq) as AlertRow, this.parts) }));
  }

  private updateDelivery(id: number, sql: string, params: Record<string, unknown>): void {
    const info = this.conn
      .sql(`UPDATE deliveries SET ${sql}, updated_at = @updated WHERE id = @id`)
      .run({ ...params, id: checkId(id), updated: this.conn.now() });
    if (info.changes === 0) throw new StoreInputError(`no delivery ${id}`);
  }

  async markPosted(id: number, ref: MessageRef, renderedVersion: number): Promise<void> {
    checkMessageRef(ref);
    if (!Number.isInteger(renderedVersion) || renderedVersion < 0) {
      throw new StoreInputError('renderedVersion must be a non-negative integer (0: what the card shows is unknown)');
    }
    this.conn.write(() =>
      this.updateDelivery(
        id,
        `state = 'posted', message_ref = @ref, rendered_version = @version, lease_until = NULL,
         next_attempt_at = NULL, last_error = NULL, render_next_at = NULL,
         render_attempts = 0, render_state = NULL, render_error = NULL`,
        { ref: toJson(ref, 'message ref'), version: renderedVersion },
      ),
    );
  }

  async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.conn.write(() =>
      this.updateDelivery(id, `state = 'failed', last_error = @error, next_attempt_at = @next, lease_until = NULL`, {
        error: String(error),
        next: nextAttemptAt.toISOString(),
      }),
    );
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.conn.write(() =>
      this.updateDelivery(id, `state = 'failed', last_error = @error, next_attempt_at = NULL, lease_until = NULL`, {
        error: String(error),
      }),
    );
  }

  async markWaiting(id: number, reason: string): Promise<void> {
    this.conn.write(() => this.updateDelivery(id, `state = 'waiting', last_error = @error, lease_until = NULL`, { error: String(reason) }));
  }

  async releaseWaiting(platform: ChatPlatformName, target: string): Promise<number> {
    const now = this.conn.now();
    return this.conn.write(
      () =>
        this.conn
          .sql(
            `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ?
           WHERE platform = ? AND target = ? AND state = 'waiting'`,
          )
          .run(now, now, String(platform), String(target)).changes +
        this.conn
          .sql(
            `UPDATE deliveries SET render_state = NULL, render_error = NULL, render_attempts = 0, render_next_at = NULL, updated_at = ?
           WHERE platform = ? AND target = ? AND render_state = 'waiting'`,
          )
          .run(now, String(platform), String(target)).changes +
        this.conn
          .sql(
            `UPDATE digests SET state = 'pending', next_attempt_at = ?, updated_at = ?
           WHERE platform = ? AND target = ? AND state = 'waiting'`,
          )
          .run(now, now, String(platform), String(target)).changes,
    );
  }

  async listDeliveries(alertId: string): Promise<Delivery[]> {
    const seq = alertSeq(alertId);
    if (seq === undefined) return [];
    const rows = this.conn.sql('SELECT * FROM deliveries WHERE alert_seq = ? ORDER BY id').all(seq) as DeliveryRow[];
    return rows.map(deliveryFromRow);
  }

  async staleCards(limit: number, now: Date = this.conn.clock()): Promise<DeliveryWork[]> {
    if (!isValidDate(now)) throw new StoreInputError('now must be a valid Date');
    const rows = this.conn
      .sql(
        `SELECT d.* FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
       WHERE d.state = 'posted' AND d.rendered_version < a.version
         AND (d.render_next_at IS NULL OR d.render_next_at <= ?) AND d.render_state IS NULL
       ORDER BY d.render_attempts, d.id LIMIT ?`,
      )
      .all(now.toISOString(), checkLimit(limit)) as DeliveryRow[];
    return this.withAlerts(rows);
  }

  async markRendered(id: number, version: number): Promise<void> {
    if (!Number.isInteger(version) || version < 1) throw new StoreInputError('version must be a positive integer');
    this.conn.write(() =>
      this.updateDelivery(
        id,
        `rendered_version = CASE WHEN rendered_version IS NULL OR rendered_version < @version THEN @version ELSE rendered_version END,
         render_next_at = NULL, last_error = NULL, render_attempts = 0`,
        { version },
      ),
    );
  }

  async deferRender(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.conn.write(() =>
      this.updateDelivery(id, 'render_next_at = @next, last_error = @error, render_attempts = render_attempts + 1', {
        next: nextAttemptAt.toISOString(),
        error: String(error),
      }),
    );
  }

  async stopRender(id: number, state: 'failed' | 'waiting', reason: string): Promise<void> {
    if (state !== 'failed' && state !== 'waiting') throw new StoreInputError("state must be 'failed' or 'waiting'");
    this.conn.write(() =>
      this.updateDelivery(id, 'render_state = @state, render_error = @reason, render_next_at = NULL, last_error = @reason', {
        state,
        reason: String(reason).slice(0, 2000),
      }),
    );
  }

  async summariseStorms(input: SummariseStormsInput): Promise<StormDigest[]> {
    const { threshold, postIndividual } = checkStormInput(input);
    const platforms = input.platforms.filter((p) => p === 'slack' || p === 'teams' || p === 'console');
    if (platforms.length === 0) return [];
    const paceMs = input.paceMs ?? 1000;
    // Due at the caller's `now`: the dispatcher claims with the time it summarised at, and the store's
    // clock may already be a millisecond past it (the digest then waited a whole idle interval).
    const dueAt = input.now.toISOString();
    return this.conn.write(() => {
      const now = this.conn.now();
      const groups = this.conn
        .sql(
          `SELECT platform, target, created_at FROM deliveries
         WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform IN (${platforms.map(() => '?').join(', ')})
         GROUP BY platform, target, created_at HAVING COUNT(*) > ?`,
        )
        .all(...platforms, threshold) as { platform: ChatPlatformName; target: string; created_at: string }[];
      const created: StormDigest[] = [];
      for (const g of groups) {
        const rows = this.conn
          .sql(
            `SELECT id, alert_seq FROM deliveries
           WHERE state = 'pending' AND attempts = 0 AND lease_until IS NULL AND platform = ? AND target = ? AND created_at = ? ORDER BY id`,
          )
          .all(g.platform, g.target, g.created_at) as { id: number; alert_seq: number }[];
        const alertIds = rows.map((r) => alertId(r.alert_seq));
        const inserted = this.conn
          .sql(
            `INSERT INTO digests (platform, target, poll_at, alert_ids, state, attempts, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (platform, target, poll_at) DO NOTHING RETURNING id`,
          )
          .get(g.platform, g.target, g.created_at, JSON.stringify(alertIds), dueAt, now, now) as { id: number } | undefined;
        if (inserted === undefined) continue;
        const base = input.now.getTime();
        const mark = postIndividual
          ? this.conn.sql('UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE id = ?')
          : this.conn.sql(`UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`);
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
    return this.conn.write(() => {
      const rows = this.conn
        .sql(
          `UPDATE digests SET next_attempt_at = @until, attempts = attempts + 1, updated_at = @at
         WHERE id IN (SELECT id FROM digests WHERE state = 'pending' AND next_attempt_at IS NOT NULL AND next_attempt_at <= @at
                      ORDER BY next_attempt_at, id LIMIT @max)
         RETURNING id, platform, target, alert_ids, attempts, created_at`,
        )
        .all({ at, until, max }) as {
        id: number;
        platform: ChatPlatformName;
        target: string;
        alert_ids: string;
        attempts: number;
        created_at: string;
      }[];
      return rows
        .sort((a, b) => a.id - b.id)
        .map((r) => ({
          id: r.id,
          platform: r.platform,
          target: r.target,
          alertIds: JSON.parse(r.alert_ids) as string[],
          attempts: r.attempts,
          createdAt: new Date(r.created_at),
        }));
    });
  }

  async finishDigest(id: number, result: DigestOutcome): Promise<void> {
    checkId(id);
    const outcome = checkDigestOutcome(result);
    const now = this.conn.now();
    this.conn.write(() => {
      let info: Database.RunResult;
      switch (outcome.kind) {
        case 'posted':
          info = this.conn
            .sql(
              `UPDATE digests SET state = 'posted', next_attempt_at = NULL, message_ref = ?, last_error = NULL, updated_at = ? WHERE id = ?`,
            )
            .run(toJson(outcome.ref, 'ref'), now, id);
          break;
        case 'retry':
          info = this.conn
            .sql('UPDATE digests SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?')
            .run(outcome.retryAt.toISOString(), outcome.error, now, id);
          break;
        case 'waiting':
        case 'failed':
          // Both leave the due time empty: a waiting digest until releaseWaiting, a failed one for good.
          info = this.conn
            .sql('UPDATE digests SET state = ?, next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?')
            .run(outcome.kind, outcome.error, now, id);
          break;
      }
      if (info.changes === 0) throw new StoreInputError(`no digest ${id}`);
    });
  }

  async addDeliveries(alertId: string, targets: DeliveryTarget[]): Promise<number> {
    if (typeof alertId !== 'string' || alertId.length === 0) throw new StoreInputError('alertId must be a non-empty string');
    checkTargets(targets);
    const seq = alertSeq(alertId);
    return this.conn.write(() => {
      if (seq === undefined || !this.conn.sql('SELECT 1 FROM alerts WHERE seq = ?').get(seq))
        throw new StoreInputError(`no alert ${alertId}`);
      const now = this.conn.now();
      const insert = this.conn.sql(
        `INSERT INTO deliveries (alert_seq, platform, target, state, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (alert_seq, platform, target) DO NOTHING`,
      );
      let added = 0;
      for (const t of targets) added += insert.run(seq, t.platform, t.target, now, now, now).changes;
      return added;
    });
  }

  async takeBudget(key: string, limit: number, windowMs: number, now: Date): Promise<BudgetGrant> {
    checkBudgetInput(key, limit, windowMs, now);
    const since = new Date(now.getTime() - windowMs).toISOString();
    // One write transaction: replicas on this file take slots one at a time.
    return this.conn.write(() => {
      this.conn.sql('DELETE FROM send_budget WHERE key = ? AND at <= ?').run(key, since);
      const used = this.conn.sql('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM send_budget WHERE key = ?').get(key) as {
        n: number;
        oldest: string | null;
      };
      if (used.n >= limit) {
        const frees = Date.parse(used.oldest ?? now.toISOString()) + windowMs;
        return { granted: false as const, retryAfterMs: Math.max(1, frees - now.getTime()) };
      }
      this.conn.sql('INSERT INTO send_budget (key, at) VALUES (?, ?)').run(key, now.toISOString());
      return { granted: true as const };
    });
  }

  async takeBudgetWindows(key: string, windows: readonly BudgetWindow[], now: Date): Promise<BudgetGrant> {
    checkBudgetWindows(key, windows, now);
    const longest = Math.max(...windows.map((w) => w.windowMs));
    return this.conn.write(() => {
      this.conn.sql('DELETE FROM send_budget WHERE key = ? AND at <= ?').run(key, new Date(now.getTime() - longest).toISOString());
      // Per window, the slot that must leave it for one to free up (the limit-th newest), read through the (key, at) index.
      let wait = 0;
      for (const w of windows) {
        const blocking = this.conn
          .sql('SELECT at FROM send_budget WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?')
          .get(key, new Date(now.getTime() - w.windowMs).toISOString(), w.limit - 1) as { at: string } | undefined;
        if (blocking !== undefined) wait = Math.max(wait, Date.parse(blocking.at) + w.windowMs - now.getTime());
      }
      if (wait > 0) return { granted: false as const, retryAfterMs: Math.max(1, wait) };
      this.conn.sql('INSERT INTO send_budget (key, at) VALUES (?, ?)').run(key, now.toISOString());
      return { granted: true as const };
    });
  }

  async queueReplies(alertId: string, text: string): Promise<number> {
    checkReplyText(text);
    const seq = alertSeq(alertId);
    return this.conn.write(() => {
      if (seq === undefined || !this.conn.sql('SELECT 1 FROM alerts WHERE seq = ?').get(seq))
        throw new StoreInputError(`no alert ${alertId}`);
      return insertReplies(this.conn, seq, text);
    });
  }

  async claimDueReplies(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<ReplyJob[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.conn.write(() => {
      // One reply per card per claim, and only after the earlier ones went: threads stay in order.
      const claimed = this.conn
        .sql(
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
      const get = this.conn.sql(
        `SELECT r.id, r.alert_seq, r.delivery_id, r.text, r.attempts, d.message_ref
         FROM replies r JOIN deliveries d ON d.id = r.delivery_id WHERE r.id = ?`,
      );
      return claimed
        .map((c) => c.id)
        .sort((a, b) => a - b)
        .map((id) => {
          const r = get.get(id) as {
            id: number;
            alert_seq: number;
            delivery_id: number;
            text: string;
            attempts: number;
            message_ref: string;
          };
          return {
            id: r.id,
            alertId: alertId(r.alert_seq),
            deliveryId: r.delivery_id,
            text: r.text,
            attempts: r.attempts,
            ref: JSON.parse(r.message_ref) as MessageRef,
          };
        });
    });
  }

  private updateReply(id: number, sql: string, params: Record<string, unknown>): void {
    const info = this.conn
      .sql(`UPDATE replies SET ${sql}, lease_until = NULL, updated_at = @updated WHERE id = @id`)
      .run({ ...params, id: checkId(id), updated: this.conn.now() });
    if (info.changes === 0) throw new StoreInputError(`no reply ${id}`);
  }

  async markReplied(id: number): Promise<void> {
    this.conn.write(() => this.updateReply(id, "state = 'sent', next_attempt_at = NULL, last_error = NULL", {}));
  }

  async markReplyRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.conn.write(() =>
      this.updateReply(id, "state = 'failed', last_error = @error, next_attempt_at = @next", {
        error: String(error),
        next: nextAttemptAt.toISOString(),
      }),
    );
  }

  async markReplyFailed(id: number, error: string): Promise<void> {
    this.conn.write(() => this.updateReply(id, "state = 'failed', last_error = @error, next_attempt_at = NULL", { error: String(error) }));
  }
}

/** Queues `text` under every copy of the alert's card not given up on; inside the caller's write. */
export function insertReplies(conn: SqliteConnection, seq: number, text: string): number {
  const now = conn.now();
  return conn
    .sql(
      `INSERT INTO replies (alert_seq, delivery_id, text, state, attempts, next_attempt_at, created_at, updated_at)
     SELECT d.alert_seq, d.id, ?, 'pending', 0, ?, ?, ? FROM deliveries d
     WHERE d.alert_seq = ? AND ${NOT_GIVEN_UP}
     ORDER BY d.id`,
    )
    .run(text, now, now, now, seq).changes;
}

/** The lease as the ISO text SQLite stores. */
function leaseWindow(now: Date, leaseMs: number): { at: string; until: string } {
  const { at, until } = leaseDates(now, leaseMs);
  return { at: at.toISOString(), until: until.toISOString() };
}
