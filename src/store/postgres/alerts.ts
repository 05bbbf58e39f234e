import type { Alert, AlertTarget, AuditEntry, NewAlert } from '../../alerts/types';
import type { AlertStore, ListAlertsQuery, ListAuditQuery, RecordPollInput, TransitionRequest, TransitionResult } from '../alert-store';
import { StoreInputError } from '../store';
import {
  checkActor,
  checkAudit,
  checkFilledTarget,
  checkFingerprintQuery,
  checkLimit,
  checkNewAlert,
  checkReplyText,
  checkTargets,
  checkWorkspaces,
  isValidDate,
  toJson,
} from '../validate';
import type { PgConnection, Queryable } from './connection';
import { insertReplies } from './outbox';
import { alertFromRow, auditFromRow, changeToJson, type AlertRow, type AuditRow } from './rows';

const STATUSES = new Set(['open', 'acknowledged', 'escalated', 'resolved']);
const CLASSIFICATIONS = new Set(['true_positive', 'benign_positive', 'false_positive']);

/** Alert columns in insert order; the values come from alertValues in the same order. */
const ALERT_COLUMNS = [
  ['id', ''],
  ['seq', ''],
  ['detection_id', ''],
  ['detection_name', ''],
  ['fingerprint', ''],
  ['workspace', ''],
  ['title', ''],
  ['description', ''],
  ['severity', ''],
  ['tactics', '::json'],
  ['techniques', '::json'],
  ['event_time', ''],
  ['subject', '::json'],
  ['subject_upn', ''],
  ['action', ''],
  ['source_ip', ''],
  ['source_location', ''],
  ['insights', '::json'],
  ['investigation_priority', ''],
  ['entities', '::json'],
  ['details', '::json'],
  ['target', '::json'],
  ['raw', '::json'],
  ['ingestion_time', ''],
  ['created_at', ''],
  ['updated_at', ''],
] as const;
const INSERT_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.map(([c]) => c).join(', ')})
  VALUES (${ALERT_COLUMNS.map(([, cast], i) => `$${i + 1}${cast}`).join(', ')})
  ON CONFLICT (detection_id, fingerprint) DO NOTHING
  RETURNING *`;

/** A validated alert, serialised and ready to insert but for its id. */
type PreparedAlert = { values: unknown[] };

/** Alerts, transitions, audit and poll watermarks in PostgreSQL. */
export class PgAlerts implements AlertStore {
  constructor(private readonly conn: PgConnection) {}

  async recordPoll(input: RecordPollInput): Promise<Alert[]> {
    this.conn.checkOpen();
    if (typeof input !== 'object' || input === null) throw new StoreInputError('recordPoll input must be an object');
    const { workspace, detectionId, watermark, alerts, targets } = input;
    if (typeof workspace !== 'string' || workspace.length === 0) throw new StoreInputError('workspace must be a non-empty string');
    if (typeof detectionId !== 'string' || detectionId.length === 0) throw new StoreInputError('detectionId must be a non-empty string');
    if (!isValidDate(watermark)) throw new StoreInputError('watermark must be a valid Date');
    if (!Array.isArray(alerts)) throw new StoreInputError('alerts must be an array');
    checkTargets(targets);
    const uniqueTargets = [...new Map(targets.map((t) => [`${t.platform}\u0000${t.target}`, t])).values()];
    const now = this.conn.now();
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

    return this.conn.db.transaction(async (c) => {
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
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<{ watermark: Date }>(
      'SELECT watermark FROM watermarks WHERE workspace = $1 AND detection_id = $2',
      [String(workspace), String(detectionId)],
    );
    return rows[0]?.watermark;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [String(id)]);
    return rows.length > 0 ? alertFromRow(rows[0]) : undefined;
  }

  async listAlerts(query: ListAlertsQuery): Promise<Alert[]> {
    this.conn.checkOpen();
    const limit = checkLimit(query?.limit);
    const status = query.status ?? 'open';
    if (status !== 'open' && status !== 'all') throw new StoreInputError('status must be "open" or "all"');
    const workspaces = checkWorkspaces(query.workspaces);
    const conditions = status === 'open' ? ["status <> 'resolved'"] : [];
    if (workspaces !== undefined) conditions.push('workspace = ANY($2::text[])');
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.conn.db.query<AlertRow>(
      `SELECT * FROM alerts ${where} ORDER BY seq DESC LIMIT $1`,
      workspaces === undefined ? [limit] : [limit, workspaces],
    );
    return rows.map(alertFromRow);
  }

  async findAlertsBySubject(upn: string, limit: number): Promise<Alert[]> {
    this.conn.checkOpen();
    if (typeof upn !== 'string') throw new StoreInputError('upn must be a string');
    const { rows } = await this.conn.db.query<AlertRow>('SELECT * FROM alerts WHERE subject_upn = $1 ORDER BY seq DESC LIMIT $2', [
      upn.trim().toLowerCase(),
      checkLimit(limit),
    ]);
    return rows.map(alertFromRow);
  }

  async findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]> {
    this.conn.checkOpen();
    checkFingerprintQuery(detectionId, []);
    const { rows } = await this.conn.db.query<AlertRow>(
      "SELECT * FROM alerts WHERE detection_id = $1 AND workspace = $2 AND target->>'unavailable' IS NOT NULL ORDER BY seq LIMIT $3",
      [detectionId, String(workspace), checkLimit(limit)],
    );
    return rows.map(alertFromRow);
  }

  async fillTarget(id: string, target: AlertTarget): Promise<Alert | undefined> {
    this.conn.checkOpen();
    checkFilledTarget(target);
    const { rows } = await this.conn.db.query<AlertRow>(
      `UPDATE alerts SET target = $1::json, version = version + 1, updated_at = $2
       WHERE id = $3 AND target->>'unavailable' IS NOT NULL RETURNING *`,
      [toJson(target, `alert ${id}: target`), this.conn.now(), String(id)],
    );
    return rows.length > 0 ? alertFromRow(rows[0]) : undefined;
  }

  async findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]> {
    this.conn.checkOpen();
    checkFingerprintQuery(detectionId, fingerprints);
    if (fingerprints.length === 0) return [];
    const { rows } = await this.conn.db.query<AlertRow>(
      'SELECT * FROM alerts WHERE detection_id = $1 AND fingerprint = ANY($2::text[]) ORDER BY seq',
      [detectionId, [...fingerprints]],
    );
    return rows.map(alertFromRow);
  }

  async transition(req: TransitionRequest): Promise<TransitionResult> {
    this.conn.checkOpen();
    if (typeof req !== 'object' || req === null) throw new StoreInputError('transition request must be an object');
    if (typeof req.alertId !== 'string') throw new StoreInputError('transition: alertId must be a string');
    if (!Array.isArray(req.from) || req.from.length === 0) throw new StoreInputError('transition: from must list at least one status');
    if (typeof req.to !== 'string' || !STATUSES.has(req.to))
      throw new StoreInputError('transition: to must be open, acknowledged, escalated or resolved');
    if (req.classification !== undefined && req.classification !== null && !CLASSIFICATIONS.has(req.classification)) {
      throw new StoreInputError('transition: classification must be true_positive, benign_positive, false_positive or null');
    }
    if (req.ifVersion !== undefined && !Number.isSafeInteger(req.ifVersion))
      throw new StoreInputError('transition: ifVersion must be an integer');
    if (!isValidDate(req.change?.at)) throw new StoreInputError('transition: change.at must be a valid Date');
    checkActor(req.change.actor, 'transition change');
    checkAudit({ ...req.audit, outcome: 'allowed' });
    if (req.replyText !== undefined) checkReplyText(req.replyText);
    const change = changeToJson(req.change);

    return this.conn.db.transaction(async (c): Promise<TransitionResult> => {
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
        [req.to, classification, change, this.conn.now(), req.alertId, row.version],
      );
      // Unreachable under the row lock; kept so the statement is a true compare-and-set.
      if (updated.rows.length === 0) throw new Error(`alert ${req.alertId} changed during its own transaction`);
      await insertAudit(c, { ...req.audit, alertId: req.alertId, outcome: 'allowed' });
      if (req.replyText !== undefined) await insertReplies(c, req.alertId, req.replyText, this.conn.now());
      return { ok: true, alert: alertFromRow(updated.rows[0]), previous };
    });
  }

  async appendAudit(entry: AuditEntry): Promise<AuditEntry> {
    this.conn.checkOpen();
    checkAudit(entry);
    return insertAudit(this.conn.db, entry);
  }

  async listAudit(query: ListAuditQuery): Promise<AuditEntry[]> {
    this.conn.checkOpen();
    const limit = checkLimit(query?.limit);
    const { rows } =
      query.alertId === undefined
        ? await this.conn.db.query<AuditRow>('SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT $1) AS recent ORDER BY id', [
            limit,
          ])
        : await this.conn.db.query<AuditRow>(
            'SELECT * FROM (SELECT * FROM audit_log WHERE alert_id = $1 ORDER BY id DESC LIMIT $2) AS recent ORDER BY id',
            [String(query.alertId), limit],
          );
    return rows.map(auditFromRow);
  }
}

async function insertAudit(q: Queryable, e: AuditEntry): Promise<AuditEntry> {
  const { rows } = await q.query<AuditRow>(
    `INSERT INTO audit_log (at, actor, actor_platform, actor_id, action, alert_id, outcome, detail, origin)
     VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      e.at,
      toJson(e.actor, 'audit actor'),
      e.actor.platform,
      e.actor.id,
      e.action,
      e.alertId ?? null,
      e.outcome,
      e.detail ?? null,
      e.origin,
    ],
  );
  return auditFromRow(rows[0]);
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
