import type { ConversationRefRecord, ConversationStore } from '../conversation-store';
import { StoreInputError } from '../store';
import { toJson } from '../validate';
import type { SqliteConnection } from './connection';
import { conversationRefFromRow, type ConversationRefRow } from './rows';

/** Conversation references in SQLite. */
export class SqliteConversations implements ConversationStore {
  constructor(private readonly conn: SqliteConnection) {}

  async saveConversationRef(platform: string, key: string, name: string, ref: unknown): Promise<void> {
    for (const [label, v] of [
      ['platform', platform],
      ['key', key],
    ] as const) {
      if (typeof v !== 'string' || v.length === 0) throw new StoreInputError(`${label} must be a non-empty string`);
    }
    if (typeof name !== 'string') throw new StoreInputError('name must be a string');
    const json = toJson(ref, 'conversation reference');
    const now = this.conn.now();
    this.conn.write(() =>
      this.conn
        .sql(
          `INSERT INTO conversation_refs (platform, key, name, name_lower, ref, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (platform, key) DO UPDATE SET name = excluded.name, name_lower = excluded.name_lower,
           ref = excluded.ref, updated_at = excluded.updated_at`,
        )
        .run(platform, key, name, name.toLowerCase(), json, now),
    );
  }

  async getConversationRef(platform: string, keyOrName: string): Promise<ConversationRefRecord | undefined> {
    const p = String(platform);
    const k = String(keyOrName);
    const row = (this.conn.sql('SELECT * FROM conversation_refs WHERE platform = ? AND key = ?').get(p, k) ??
      this.conn
        .sql('SELECT * FROM conversation_refs WHERE platform = ? AND name_lower = ? ORDER BY updated_at DESC LIMIT 1')
        .get(p, k.toLowerCase())) as ConversationRefRow | undefined;
    return row ? conversationRefFromRow(row) : undefined;
  }

  async listConversationRefs(platform: string): Promise<ConversationRefRecord[]> {
    const rows = this.conn
      .sql('SELECT * FROM conversation_refs WHERE platform = ? ORDER BY name_lower, key')
      .all(String(platform)) as ConversationRefRow[];
    return rows.map(conversationRefFromRow);
  }
}
