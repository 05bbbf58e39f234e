import type { Alert, AlertTarget, AuditEntry } from '../../alerts/types';
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
import type { BodyParts } from './body-parts';
import type { SqliteConnection } from './connection';
import { alertBody, INSERT_ALERT, plainValues, queueSql, storedAlert, type PlainValues } from './new-alert';
import { insertReplies } from './outbox';
import { alertFromRow, alertId, alertSeq, auditFromRow, changeToJson, type AlertRow, type AuditRow } from './rows';

/** Alerts, transitions, audit and poll watermarks in SQLite. */
export class SqliteAlerts implements AlertStore {
  constructor(
    private readonly conn: SqliteConnection,
    private readonly parts: BodyParts,
  ) {}

  async recordPoll(input: RecordPollInput): Promise<Alert[]> {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('recordPoll input must be an object');
    const { workspace, detectionId, watermark, alerts, targets } = input;
    if (typeof workspace !== 'string' || workspace.length === 0) throw new StoreInputError('workspace must be a non-empty string');
    if (typeof detectionId !== 'string' || detectionId.length === 0) throw new StoreInputError('detectionId must be a non-empty string');
    if (!isValidDate(watermark)) throw new StoreInputError('watermark must be a valid Date');
    if (!Array.isArray(alerts)) throw new StoreInputError('alerts must be an array');
    checkTargets(targets);
    const uniqueTargets = [...new Map(targets.map((t) => [`${t.platform}\u0000${t.target}`, t])).values()];

    const parts = this.parts.writer();
    const stored = this.conn.write(() => {
      const nowMs = this.conn.clock().getTime();
      const now = new Date(nowMs).toISOString();
      const created: Alert[] = [];
      // The id sequence is read once and written back once: the write lock is held throughout.
      const start = (this.conn.sql("SELECT value FROM counters WHERE name = 'alert'").get() as { value: number }).value;
      let seq = start;
      const insert = this.conn.sql(INSERT_ALERT);
      // Each alert is checked as it is inserted: a bad one mid-batch rolls back the ones before it.
      alerts.forEach((a: unknown, i) => {
        checkNewAlert(a, i);
        if (a.detectionId !== detectionId || a.workspace !== workspace) {
          throw new StoreInputError(
            `alert #${i + 1} (${a.fingerprint}) belongs to ${a.workspace}/${a.detectionId}, not ${workspace}/${detectionId}`,
          );
        }
        const eventTime = a.eventTime.toISOString();
        let plain: PlainValues;
        let body: string;
        try {
          plain = plainValues(a);
          body = alertBody(a, plain, eventTime, parts);
        } catch (err) {
          // A repeat sighting is a no-op even when its body could not be stored.
          if (this.conn.sql('SELECT 1 FROM alerts WHERE detection_id = ? AND fingerprint = ?').get(a.detectionId, a.fingerprint)) return;
          throw err;
        }
        // A fingerprint already stored (earlier poll or earlier in this batch) inserts nothing.
        const info = insert.run(seq + 1, a.detectionId, a.fingerprint, a.subject.upn ? a.subject.upn.toLowerCase() : null, now, now, body);
        if (info.changes === 0) return;
        seq += 1;
        created.push(storedAlert(a, plain, alertId(seq), nowMs));
      });
      if (seq !== start) {
        this.conn.sql("UPDATE counters SET value = ? WHERE name = 'alert'").run(seq);
        // The new alerts are seq start+1..seq: their deliveries go in with one statement, not one per alert.
        if (uniqueTargets.length > 0) {
          this.conn.sql(queueSql(uniqueTargets.length)).run(now, ...uniqueTargets.flatMap((t) => [t.platform, t.target]), start, seq);
        }
      }
      this.conn
        .sql(
          `INSERT INTO watermarks (workspace, detection_id, watermark, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace, detection_id) DO UPDATE SET
           watermark = CASE WHEN excluded.watermark > watermarks.watermark THEN excluded.watermark ELSE watermarks.watermark END,
           updated_at = excluded.updated_at`,
        )
        .run(workspace, detectionId, watermark.toISOString(), now);
      return created;
    });
    this.parts.committed(parts);
    return stored;
  }

  async getWatermark(workspace: string, detectionId: string): Promise<Date | undefined> {
    const row = this.conn
      .sql('SELECT watermark FROM watermarks WHERE workspace = ? AND detection_id = ?')
      .get(String(workspace), String(detectionId)) as { watermark: string } | undefined;
    return row ? new Date(row.watermark) : undefined;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const seq = alertSeq(id);
    const row = seq === undefined ? undefined : (this.conn.sql('SELECT * FROM alerts WHERE seq = ?').get(seq) as AlertRow | undefined);
    return row ? alertFromRow(row, this.parts) : undefined;
  }

  async listAlerts(query: ListAlertsQuery): Promise<Alert[]> {
    const limit = checkLimit(query?.limit);
    const status = query.status ?? 'open';
    if (status !== 'open' && status !== 'all') throw new StoreInputError('status must be "open" or "all"');
    const workspaces = checkWorkspaces(query.workspaces);
    const conditions = status === 'open' ? ["status <> 'resolved'"] : [];
    // The workspace is element 1 of the JSON body (migration 0004).
    if (workspaces !== undefined) conditions.push(`json_extract(body, '$[1]') IN (${workspaces.map(() => '?').join(',') || 'NULL'})`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.conn.sql(`SELECT * FROM alerts ${where} ORDER BY seq DESC LIMIT ?`).all(...(workspaces ?? []), limit) as AlertRow[];
    return rows.map((r) => alertFromRow(r, this.parts));
  }

  async findAlertsBySubject(upn: string, limit: number): Promise<Alert[]> {
    if (typeof upn !== 'string') throw new StoreInputError('upn must be a string');
    const rows = this.conn
      .sql('SELECT * FROM alerts WHERE subject_upn = ? ORDER BY seq DESC LIMIT ?')
      .all(upn.trim().toLowerCase(), checkLimit(limit)) as AlertRow[];
    return rows.map((r) => alertFromRow(r, this.parts));
  }

  async findAlertsAwaitingTarget(detectionId: string, workspace: string, limit: number): Promise<Alert[]> {
    checkFingerprintQuery(detectionId, []);
    const rows = this.conn
      .sql(
        "SELECT * FROM alerts WHERE detection_id = ? AND json_extract(body, '$[1]') = ? AND json_extract(body, '$[16].unavailable') IS NOT NULL ORDER BY seq LIMIT ?",
      )
      .all(detectionId, String(workspace), checkLimit(limit)) as AlertRow[];
    return rows.map((r) => alertFromRow(r, this.parts));
  }

  async fillTarget(id: string, target: AlertTarget): Promise<Alert | undefined> {
    checkFilledTarget(target);
    const seq = alertSeq(id);
    if (seq === undefined) return undefined;
    const row = this.conn
      .sql(
        `UPDATE alerts SET body = json_set(body, '$[16]', json(?)), version = version + 1, updated_at = ?
       WHERE seq = ? AND json_extract(body, '$[16].unavailable') IS NOT NULL RETURNING *`,
      )
      .get(toJson(target, `alert ${id}: target`), this.conn.now(), seq) as AlertRow | undefined;
    return row ? alertFromRow(row, this.parts) : undefined;
  }

  async findAlertsByFingerprint(detectionId: string, fingerprints: readonly string[]): Promise<Alert[]> {
    checkFingerprintQuery(detectionId, fingerprints);
    if (fingerprints.length === 0) return [];
    const rows = this.conn
      .sql('SELECT * FROM alerts WHERE detection_id = ? AND fingerprint IN (SELECT value FROM json_each(?)) ORDER BY seq')
      .all(detectionId, JSON.stringify(fingerprints)) as AlertRow[];
    return rows.map((r) => alertFromRow(r, this.parts));
  }

  async transition(req: TransitionRequest): Promise<TransitionResult> {
    if (typeof req !== 'object' || req === null) throw new StoreInputError('transition request must be an object');
    if (!Array.isArray(req.from) || req.from.length === 0) throw new StoreInputError('transition: from must list at least one status');
    if (req.ifVersion !== undefined && !Number.isSafeInteger(req.ifVersion))
      throw new StoreInputError('transition: ifVersion must be an integer');
    if (!isValidDate(req.change?.at)) throw new StoreInputError('transition: change.at must be a valid Date');
    checkActor(req.change.actor, 'transition change');
    checkAudit({ ...req.audit, outcome: 'allowed' });
    if (req.replyText !== undefined) checkReplyText(req.replyText);

    const seq = alertSeq(req.alertId);
    return this.conn.write((): TransitionResult => {
      const row = seq === undefined ? undefined : (this.conn.sql('SELECT * FROM alerts WHERE seq = ?').get(seq) as AlertRow | undefined);
      if (!row) return { ok: false, reason: 'not_found' };
      const previous = alertFromRow(row, this.parts);
      if (req.ifVersion !== undefined && previous.version !== req.ifVersion) return { ok: false, reason: 'changed', alert: previous };
      if (!req.from.includes(previous.status)) return { ok: false, reason: 'status', alert: previous };
      const classification = req.classification === undefined ? row.classification : req.classification;
      const updated = this.conn
        .sql(
          `UPDATE alerts SET status = ?, classification = ?, last_change = ?, version = version + 1, updated_at = ?
         WHERE seq = ? AND version = ? RETURNING *`,
        )
        .get(req.to, classification, changeToJson(req.change), this.conn.now(), row.seq, row.version) as AlertRow | undefined;
      // Unreachable under the write lock; kept so the statement is a true compare-and-set on any backend.
      if (!updated) throw new Error(`alert ${req.alertId} changed during its own transaction`);
      this.insertAudit({ ...req.audit, alertId: req.alertId, outcome: 'allowed' });
      if (req.replyText !== undefined) insertReplies(this.conn, row.seq, req.replyText);
      return { ok: true, alert: alertFromRow(updated, this.parts), previous };
    });
  }

  async appendAudit(entry: AuditEntry): Promise<AuditEntry> {
    checkAudit(entry);
    return this.conn.write(() => this.insertAudit(entry));
  }

  private insertAudit(e: AuditEntry): AuditEntry {
    const row = this.conn
      .sql(
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
        ? this.conn.sql('SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) AS recent ORDER BY id').all(limit)
        : this.conn
            .sql('SELECT * FROM (SELECT * FROM audit_log WHERE alert_id = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id')
            .all(String(query.alertId), limit)
    ) as AuditRow[];
    return rows.map(auditFromRow);
  }
}
