import type { ConversationRefRecord, ConversationStore } from '../conversation-store';
import { StoreInputError } from '../store';
import { toJson } from '../validate';
import { checkNonEmpty } from './checks';
import type { PgConnection } from './connection';
import { conversationRefFromRow, type ConversationRefRow } from './rows';

/** Conversation references in PostgreSQL. */
export class PgConversations implements ConversationStore {
  constructor(private readonly conn: PgConnection) {}

  async saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void> {
    this.conn.checkOpen();
    checkNonEmpty('platform', platform);
    checkNonEmpty('key', key);
    if (typeof name !== 'string') throw new StoreInputError('name must be a string');
    const json = toJson(ref, 'conversation reference');
    await this.conn.db.query(
      `INSERT INTO conversation_refs (platform, key, name, name_lower, ref, updated_at) VALUES ($1, $2, $3, $4, $5::json, $6)
       ON CONFLICT (platform, key) DO UPDATE SET name = excluded.name, name_lower = excluded.name_lower,
         ref = excluded.ref, updated_at = excluded.updated_at`,
      [platform, key, name, name.toLowerCase(), json, this.conn.now()],
    );
  }

  async getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined> {
    this.conn.checkOpen();
    const p = String(platform);
    const k = String(keyOrName);
    const byKey = await this.conn.db.query<ConversationRefRow>('SELECT * FROM conversation_refs WHERE platform = $1 AND key = $2', [p, k]);
    const rows =
      byKey.rows.length > 0
        ? byKey.rows
        : (
            await this.conn.db.query<ConversationRefRow>(
              'SELECT * FROM conversation_refs WHERE platform = $1 AND name_lower = $2 ORDER BY updated_at DESC, key COLLATE "C" LIMIT 1',
              [p, k.toLowerCase()],
            )
          ).rows;
    return rows.length > 0 ? conversationRefFromRow(rows[0]) : undefined;
  }

  async listConversationRefs(platform: string): Promise<ConversationRefRecord[]> {
    this.conn.checkOpen();
    // Byte order, as SQLite sorts, whatever collation the database was created with.
    const { rows } = await this.conn.db.query<ConversationRefRow>(
      'SELECT * FROM conversation_refs WHERE platform = $1 ORDER BY name_lower COLLATE "C", key COLLATE "C"',
      [String(platform)],
    );
    return rows.map(conversationRefFromRow);
  }
}
