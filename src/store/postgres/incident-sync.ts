import type { IncidentLink, IncidentSyncStore, IncidentWriteJob } from '../incident-sync-store';
import { StoreInputError } from '../store';
import { checkLimit, isValidDate, leaseWindow } from '../validate';
import type { PgConnection } from './connection';

const DEFAULT_LEASE_MS = 60_000;
const INCIDENT_NAME = /^[A-Za-z0-9-]{1,64}$/;

interface LinkRow {
  alert_id: string;
  workspace: string;
  incident_name: string;
  written_version: number;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  last_outcome: string | null;
}

/** Incident links and their write-back debts in PostgreSQL (claims skip rows another replica holds). */
export class PgIncidentSync implements IncidentSyncStore {
  constructor(private readonly conn: PgConnection) {}

  async linkIncident(alertId: string, workspace: string, incidentName: string): Promise<void> {
    this.conn.checkOpen();
    if (!INCIDENT_NAME.test(incidentName))
      throw new StoreInputError(`incident name must be 1-64 letters, digits or '-': ${JSON.stringify(incidentName)}`);
    if (typeof workspace !== 'string' || workspace === '') throw new StoreInputError('workspace is required');
    const { rowCount } = await this.conn.db.query(
      `INSERT INTO incident_links (alert_id, workspace, incident_name, written_version, updated_at)
       SELECT id, $2, $3, version, $4 FROM alerts WHERE id = $1
       ON CONFLICT DO NOTHING`,
      [alertId, workspace, incidentName, this.conn.now()],
    );
    if (rowCount === 1) return;
    const { rows } = await this.conn.db.query<{ alert_id: string; workspace: string; incident_name: string }>(
      'SELECT alert_id, workspace, incident_name FROM incident_links WHERE alert_id = $1 OR (workspace = $2 AND incident_name = $3)',
      [alertId, workspace, incidentName],
    );
    const same = rows.find((r) => r.alert_id === alertId && r.workspace === workspace && r.incident_name === incidentName);
    if (same) return;
    const mine = rows.find((r) => r.alert_id === alertId);
    if (mine) throw new StoreInputError(`${alertId} is already linked to incident ${mine.incident_name}`);
    if (rows[0]) throw new StoreInputError(`incident ${incidentName} is already linked to ${rows[0].alert_id}`);
    throw new StoreInputError(`no alert ${alertId}`);
  }

  async alertForIncident(workspace: string, incidentName: string): Promise<string | undefined> {
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<{ alert_id: string }>(
      'SELECT alert_id FROM incident_links WHERE workspace = $1 AND incident_name = $2',
      [workspace, incidentName],
    );
    return rows[0]?.alert_id;
  }

  async getIncidentLink(alertId: string): Promise<IncidentLink | undefined> {
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<LinkRow>('SELECT * FROM incident_links WHERE alert_id = $1', [alertId]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      alertId: r.alert_id,
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
    this.conn.checkOpen();
    const { at, until } = leaseWindow(now, leaseMs);
    const max = checkLimit(limit);
    return this.conn.inTurn(async () => {
      const { rows } = await this.conn.db.query<{
        alert_id: string;
        workspace: string;
        incident_name: string;
        version: number;
        attempts: number;
        updated_at: Date;
      }>(
        `WITH due AS (
           SELECT l.alert_id FROM incident_links l JOIN alerts a ON a.id = l.alert_id
           WHERE a.version > l.written_version
             AND (l.next_attempt_at IS NULL OR l.next_attempt_at <= $1)
             AND (l.lease_until IS NULL OR l.lease_until <= $1)
           ORDER BY a.updated_at, a.seq LIMIT $3
           FOR UPDATE OF l SKIP LOCKED)
         UPDATE incident_links l SET lease_until = $2, attempts = l.attempts + 1, updated_at = $1
         FROM due, alerts a WHERE l.alert_id = due.alert_id AND a.id = l.alert_id
         RETURNING l.alert_id, l.workspace, l.incident_name, a.version, l.attempts, a.updated_at`,
        [at, until, max],
      );
      return rows
        .sort((x, y) => x.updated_at.getTime() - y.updated_at.getTime())
        .map((r) => ({
          alertId: r.alert_id,
          workspace: r.workspace,
          incidentName: r.incident_name,
          version: r.version,
          attempts: r.attempts,
        }));
    });
  }

  async markIncidentWritten(alertId: string, version: number, outcome: string): Promise<void> {
    if (!Number.isInteger(version)) throw new StoreInputError('version must be an integer');
    await this.update(
      alertId,
      'written_version = GREATEST(written_version, $3), attempts = 0, next_attempt_at = NULL, last_error = NULL, last_outcome = $4',
      [version, outcome],
    );
  }

  async markIncidentWriteRetry(alertId: string, error: string, nextAttemptAt: Date): Promise<void> {
    if (!isValidDate(nextAttemptAt)) throw new StoreInputError('nextAttemptAt must be a valid Date');
    await this.update(alertId, 'next_attempt_at = $3, last_error = $4', [nextAttemptAt, String(error)]);
  }

  async markIncidentWriteFailed(alertId: string, version: number, error: string): Promise<void> {
    if (!Number.isInteger(version)) throw new StoreInputError('version must be an integer');
    await this.update(
      alertId,
      "written_version = GREATEST(written_version, $3), next_attempt_at = NULL, last_error = $4, last_outcome = 'failed'",
      [version, String(error)],
    );
  }

  /** `set` uses $3 onwards; $1 is the alert id, $2 the update time. */
  private async update(alertId: string, set: string, values: unknown[]): Promise<void> {
    this.conn.checkOpen();
    const { rowCount } = await this.conn.db.query(
      `UPDATE incident_links SET ${set}, lease_until = NULL, updated_at = $2 WHERE alert_id = $1`,
      [alertId, this.conn.now(), ...values],
    );
    if (rowCount === 0) throw new StoreInputError(`no incident link for ${alertId}`);
  }
}
