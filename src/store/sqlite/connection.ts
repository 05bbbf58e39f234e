import Database from 'better-sqlite3';
import { StoreInputError } from '../store';
import { loadMigrations, migrate } from './migrate';

/** SQLite's page cache per connection, in KiB. */
export const PAGE_CACHE_KIB = 4096;

export interface SqliteStoreOptions {
  /** Time source for created/updated stamps and "due now"; defaults to the system clock. */
  clock?: () => Date;
  /** How long a locked database is waited for, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * One SQLite database (WAL), migrated, shared by the store's roles.
 * better-sqlite3 is synchronous, so each call runs to completion on the event
 * loop; writes take the write lock up front (BEGIN IMMEDIATE) so two processes
 * sharing the file queue on busy_timeout instead of failing a lock upgrade.
 */
export class SqliteConnection {
  readonly clock: () => Date;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (typeof path !== 'string' || path.length === 0) throw new StoreInputError('the SQLite path must be a non-empty string');
    this.clock = options.clock ?? (() => new Date());
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      // better-sqlite3 builds SQLite with a 16 MiB page cache per connection, which fills as the store grows
      // (RSS rose by about 15 MiB between 10,000 and 20,000 alerts, then held). 4 MiB holds the hot pages;
      // a miss is a read from the OS's file cache.
      this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
      migrate(this.db, loadMigrations(), this.clock);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  now(): string {
    return this.clock().toISOString();
  }

  /** Prepared once per SQL text; better-sqlite3 statements are reusable. */
  sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  /** True inside write(): what is read there may yet be rolled back. */
  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
