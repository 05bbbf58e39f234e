import { checkBlindInput, MAX_BLIND_REASON } from '../blind-input';
import type { BlindSpell, BlindSpellStore } from '../blind-spell-store';
import type { PgConnection } from './connection';

interface SpellRow {
  workspace: string;
  detection_id: string;
  since: Date;
  last_seen_at: Date;
  reason: string;
  reported_at: Date | null;
}

function toSpell(r: SpellRow): BlindSpell {
  return {
    workspace: r.workspace,
    detectionId: r.detection_id,
    since: r.since,
    lastSeenAt: r.last_seen_at,
    reason: r.reason,
    ...(r.reported_at !== null ? { reportedAt: r.reported_at } : {}),
  };
}

const COLUMNS = 'workspace, detection_id, since, last_seen_at, reason, reported_at';

/** Blind spells in PostgreSQL; the mark is one conditional UPDATE, so of two replicas one wins. */
export class PgBlindSpells implements BlindSpellStore {
  constructor(private readonly conn: PgConnection) {}

  async noteBlind(workspace: string, detectionId: string, at: Date, reason: string): Promise<BlindSpell> {
    this.conn.checkOpen();
    checkBlindInput(workspace, detectionId, at, reason);
    const { rows } = await this.conn.db.query<SpellRow>(
      `INSERT INTO blind_spells (workspace, detection_id, since, last_seen_at, reason) VALUES ($1, $2, $3, $3, $4)
       ON CONFLICT (workspace, detection_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, reason = excluded.reason
       RETURNING ${COLUMNS}`,
      [workspace, detectionId, at, reason.slice(0, MAX_BLIND_REASON)],
    );
    return toSpell(rows[0] as SpellRow);
  }

  async markBlindReported(workspace: string, detectionId: string, at: Date): Promise<boolean> {
    this.conn.checkOpen();
    checkBlindInput(workspace, detectionId, at);
    const { rowCount } = await this.conn.db.query(
      'UPDATE blind_spells SET reported_at = $3 WHERE workspace = $1 AND detection_id = $2 AND reported_at IS NULL',
      [workspace, detectionId, at],
    );
    return rowCount === 1;
  }

  async unmarkBlindReported(workspace: string, detectionId: string): Promise<void> {
    this.conn.checkOpen();
    checkBlindInput(workspace, detectionId);
    await this.conn.db.query('UPDATE blind_spells SET reported_at = NULL WHERE workspace = $1 AND detection_id = $2', [
      workspace,
      detectionId,
    ]);
  }

  async endBlind(workspace: string, detectionId: string): Promise<BlindSpell | undefined> {
    this.conn.checkOpen();
    checkBlindInput(workspace, detectionId);
    const { rows } = await this.conn.db.query<SpellRow>(
      `DELETE FROM blind_spells WHERE workspace = $1 AND detection_id = $2 RETURNING ${COLUMNS}`,
      [workspace, detectionId],
    );
    return rows[0] === undefined ? undefined : toSpell(rows[0]);
  }

  async listBlindSpells(): Promise<BlindSpell[]> {
    this.conn.checkOpen();
    const { rows } = await this.conn.db.query<SpellRow>(`SELECT ${COLUMNS} FROM blind_spells ORDER BY since, workspace, detection_id`);
    return rows.map(toSpell);
  }
}
