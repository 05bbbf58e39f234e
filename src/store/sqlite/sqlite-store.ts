import { ComposedStore } from '../composed-store';
import { SqliteBlindSpells } from './blind-spells';
import { SqliteAlerts } from './alerts';
import { BodyParts } from './body-parts';
import { SqliteConnection, type SqliteStoreOptions } from './connection';
import { SqliteConversations } from './conversations';
import { SqliteIncidentSync } from './incident-sync';
import { SqliteOutbox } from './outbox';

export type { SqliteStoreOptions } from './connection';

/**
 * The default Store: one SQLite file (WAL), or ':memory:'. Each role has its
 * own implementation over the one connection.
 */
export class SqliteStore extends ComposedStore {
  private readonly conn: SqliteConnection;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const conn = new SqliteConnection(path, options);
    const parts = new BodyParts(conn);
    super({
      alerts: new SqliteAlerts(conn, parts),
      outbox: new SqliteOutbox(conn, parts),
      conversations: new SqliteConversations(conn),
      incidents: new SqliteIncidentSync(conn),
      blindSpells: new SqliteBlindSpells(conn),
    });
    this.conn = conn;
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}

/** Opens (creating and migrating when needed) a SQLite store at `path`; ':memory:' for a throwaway one. */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}
