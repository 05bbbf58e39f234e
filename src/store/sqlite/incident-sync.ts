import type { IncidentLink, IncidentSyncStore, IncidentWriteJob } from '../incident-sync-store';
import { StoreInputError } from '../store';
import { checkLimit, isValidDate, leaseWindow } from '../validate';
import type { SqliteConnection } from './connection';
import { alertId, alertSeq } from './rows';

const DEFAULT_LEASE_MS = 60_000;
const INCIDENT_NAME = /^[A-Za-z0-9-]{1,64}$/;

interface LinkRow {
  alert_seq: number;
  workspace: string;
  incident_name: string;
  written_version: number;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  last_outcome: string | null;
}

function seqOf(id: string): number {
  const seq = alertSeq(id);
  if (seq === undefined) throw new StoreInputError(`no alert ${String(id)}`);
  return seq;
}

/** Incident links and their write-back debts in SQLite. */
export class SqliteIncidentSync implements IncidentSyncStore {
  constructor(private readonly conn: SqliteConnection) {}

  async linkIncident(id: string, workspace: string, incidentName: string): Promise<void> {
    if (!INCIDENT_NAME.test(incidentName))
      throw new StoreInputError(`incident name must be 1-64 letters, digits or '-': ${JSON.stringify(incidentName)}`);
    if (typeof workspace !== 'string' || workspace === '') throw new StoreInputError('workspace is required');
    const seq = seqOf(id);
    this.conn.write(() => {
      const alert = this.conn.sql('SELECT version FROM alerts WHERE seq = ?').get(seq) as { version: number } | undefined;
      if (!alert) throw new StoreInputError(`no alert ${id}`);
      const existing = this.conn.sql('SELECT workspace, incident_name FROM incident_links WHERE alert_seq = ?').get(seq) as
        { workspace: string; incident_name: string } | undefined;
      if (existing) {
        if (existing.workspace !== workspace || existing.incident_name !== incidentName)
          throw new StoreInputError(`${id} is already linked to incident ${existing.incident_name}`);
        return;
      }
      const other = this.conn
        .sql('SELECT alert_seq FROM incident_links WHERE workspace = ? AND incident_name = ?')
        .get(workspace, incidentName) as { alert_seq: number } | undefined;
      if (other) throw new StoreInputError(`incident ${incidentName} is already linked to ${alertId(other.alert_seq)}`);
      this.conn
        .sql('INSERT INTO incident_links (alert_seq, workspace, incident_name, written_version, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(seq, workspace, incidentName, alert.version, this.conn.now());
    });
  }

  async alertForIncident(workspace: string, incidentName: string): Promise<string | undefined> {
    const row = this.conn
      .sql('SELECT alert_seq FROM incident_links WHERE workspace = ? AND incident_name = ?')
      .get(workspace, incidentName) as { alert_seq: number } | undefined;
    return row && alertId(row.alert_seq);
  }

  async getIncidentLink(id: string): Promise<IncidentLink | undefined> {
    const seq = alertSeq(id);
    if (seq === undefined) return undefined;
    const r = this.conn.sql('SELECT * FROM incident_links WHERE alert_seq = ?').get(seq) as LinkRow | undefined;
    if (!r) return undefined;
    return {
      alertId: alertId(r.alert_seq),
      workspace: r.workspace,
      incidentName: r.incident_name,
      writtenVersion: r.written_version,
      attempts: r.attempts,
      ...(r.next_attempt_at ? { nextAttemptAt: new Date(r.next_attempt_at) } : {}),
      ...(r.last_error ? { lastError: r.last_error } : {}),
      ...(r.last_outcome ? { lastOutcome: r.last_outcome } : {}),
    };
  }

  async claimDueIncidentWrites(now: Date, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<IncidentWriteJob[]> {
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    const atText = at.toISOString();
    const dueSql = `SELECT l.alert_seq, l.workspace, l.incident_name, a.version, l.attempts FROM incident_links l JOIN alerts a ON a.seq = l.alert_seq
         WHERE a.version > l.written_version
           AND (l.next_attempt_at IS NULL OR l.next_attempt_at <= @at)
           AND (l.lease_until IS NULL OR l.lease_until <= @at)
         ORDER BY a.updated_at, l.alert_seq LIMIT @max`;
    // Every chat decision asks; most owe nothing. A read answers that without taking the write lock.
    if (this.conn.sql(dueSql).get({ at: atText, max: 1 }) === undefined) return [];
    return this.conn.write(() => {
      const due = this.conn.sql(dueSql).all({ at: atText, max }) as {
        alert_seq: number;
        workspace: string;
        incident_name: string;
        version: number;
        attempts: number;
      }[];
      const lease = this.conn.sql('UPDATE incident_links SET lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE alert_seq = ?');
      return due.map((r) => {
        lease.run(until.toISOString(), atText, r.alert_seq);
        return {
          alertId: alertId(r.alert_seq),
          workspace: r.workspace,
          incidentName: r.incident_name,
          version: r.version,
          attempts: r.attempts + 1,
        };
      });
    });
  }

  async markIncidentWritten(id: string, version: number, outcome: string): Promise<void> {
    this.update(
      id,
      'written_version = MAX(written_version, @version), attempts = 0, next_attempt_at = NULL, last_error = NULL, last_outcome = @outcome',
      { version, outcome },
    );
  }

  async markIncidentWriteRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    this.update(id, 'next_attempt_at = @next, last_error = @error', { next: nextAttemptAt.toISOString(), error: String(error) });
  }

  async markIncidentWriteFailed(id: string, version: number, error: string): Promise<void> {
    this.update(
      id,
      "written_version = MAX(written_version, @version), next_attempt_at = NULL, last_error = @error, last_outcome = 'failed'",
      { version, error: String(error) },
    );
  }

  private update(id: string, set: string, params: Record<string, unknown>): void {
    const seq = seqOf(id);
    if ('version' in params && !Number.isInteger(params.version)) throw new StoreInputError('version must be an integer');
    this.conn.write(() => {
      const info = this.conn
        .sql(`UPDATE incident_links SET ${set}, lease_until = NULL, updated_at = @updated WHERE alert_seq = @seq`)
        .run({ ...params, seq, updated: this.conn.now() });
      if (info.changes === 0) throw new StoreInputError(`no incident link for ${id}`);
    });
  }
}
