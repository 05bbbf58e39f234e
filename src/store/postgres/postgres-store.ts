import { ComposedStore } from '../composed-store';
import { PgBlindSpells } from './blind-spells';
import { PgAlerts } from './alerts';
import { PgConnection, type PostgresStoreOptions } from './connection';
import { PgConversations } from './conversations';
import { PgIncidentSync } from './incident-sync';
import { PgOutbox } from './outbox';

export type { PostgresStoreOptions } from './connection';

/**
 * The Store for several replicas: PostgreSQL through a connection pool. Each
 * role has its own implementation over the one pool; this class composes them
 * so that composition code gets a single object.
 */
export class PostgresStore extends ComposedStore {
  private constructor(private readonly conn: PgConnection) {
    super({
      alerts: new PgAlerts(conn),
      outbox: new PgOutbox(conn),
      conversations: new PgConversations(conn),
      incidents: new PgIncidentSync(conn),
      blindSpells: new PgBlindSpells(conn),
    });
  }

  /** Connects, creates the schema when missing and applies pending migrations. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(await PgConnection.open(url, options));
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

/** Connects to PostgreSQL at `url`, creating the schema and applying migrations when needed. */
export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
