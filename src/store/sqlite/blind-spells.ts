import { checkBlindInput, MAX_BLIND_REASON } from '../blind-input';
import type { BlindSpell, BlindSpellStore } from '../blind-spell-store';
import type { SqliteConnection } from './connection';

interface SpellRow {
  workspace: string;
  detection_id: string;
  since: string;
  last_seen_at: string;
  reason: string;
  reported_at: string | null;
}

function toSpell(r: SpellRow): BlindSpell {
  return {
    workspace: r.workspace,
    detectionId: r.detection_id,
    since: new Date(r.since),
    lastSeenAt: new Date(r.last_seen_at),
    reason: r.reason,
    ...(r.reported_at !== null ? { reportedAt: new Date(r.reported_at) } : {}),
  };
}

const SELECT = 'SELECT workspace, detection_id, since, last_seen_at, reason, reported_at FROM blind_spells';

/** Blind spells in SQLite. */
export class SqliteBlindSpells implements BlindSpellStore {
  constructor(private readonly conn: SqliteConnection) {}

  async noteBlind(workspace: string, detectionId: string, at: Date, reason: string): Promise<BlindSpell> {
    checkBlindInput(workspace, detectionId, at, reason);
    return this.conn.write(() => {
      this.conn
        .sql(
          `INSERT INTO blind_spells (workspace, detection_id, since, last_seen_at, reason) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (workspace, detection_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, reason = excluded.reason`,
        )
        .run(workspace, detectionId, at.toISOString(), at.toISOString(), reason.slice(0, MAX_BLIND_REASON));
      return toSpell(this.conn.sql(`${SELECT} WHERE workspace = ? AND detection_id = ?`).get(workspace, detectionId) as SpellRow);
    });
  }

  async markBlindReported(workspace: string, detectionId: string, at: Date): Promise<boolean> {
    checkBlindInput(workspace, detectionId, at);
    const { changes } = this.conn
      .sql('UPDATE blind_spells SET reported_at = ? WHERE workspace = ? AND detection_id = ? AND reported_at IS NULL')
      .run(at.toISOString(), workspace, detectionId);
    return changes === 1;
  }

  async unmarkBlindReported(workspace: string, detectionId: string): Promise<void> {
    checkBlindInput(workspace, detectionId);
    this.conn.sql('UPDATE blind_spells SET reported_at = NULL WHERE workspace = ? AND detection_id = ?').run(workspace, detectionId);
  }

  async endBlind(workspace: string, detectionId: string): Promise<BlindSpell | undefined> {
    checkBlindInput(workspace, detectionId);
    return this.conn.write(() => {
      const row = this.conn.sql(`${SELECT} WHERE workspace = ? AND detection_id = ?`).get(workspace, detectionId) as SpellRow | undefined;
      if (row === undefined) return undefined;
      this.conn.sql('DELETE FROM blind_spells WHERE workspace = ? AND detection_id = ?').run(workspace, detectionId);
      return toSpell(row);
    });
  }

  async listBlindSpells(): Promise<BlindSpell[]> {
    return (this.conn.sql(`${SELECT} ORDER BY since, workspace, detection_id`).all() as SpellRow[]).map(toSpell);
  }
}
