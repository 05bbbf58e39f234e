import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { loadPgMigrations, migratePg } from './migrate';
import { PgRunner, createPool, describeDatabase, type PgPoolOptions } from './pool';

export interface PostgresStoreOptions extends PgPoolOptions {
  /** Time source for created/updated stamps and "due now"; defaults to the system clock. */
  clock?: () => Date;
}

/** Something that runs a query: a pool runner or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * One connection pool, migrated, shared by the store's roles. Writes that
 * must be atomic run in one transaction on one connection.
 */
export class PgConnection {
  readonly db: PgRunner;
  private closed = false;
  /** Claims from this replica run one after another, in call order; other replicas are kept apart by the row locks. */
  private claims: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: Pool,
    readonly clock: () => Date,
  ) {
    this.db = new PgRunner(pool);
  }

  /** Connects, creates the schema when missing and applies pending migrations. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PgConnection> {
    const pool = createPool(url, options);
    const clock = options.clock ?? (() => new Date());
    try {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new Error(`cannot connect to PostgreSQL at ${describeDatabase(url)}: ${(err as Error).message}`);
      }
      try {
        await migratePg(client, loadPgMigrations(), { schema: options.schema, now: clock });
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgConnection(pool, clock);
  }

  now(): Date {
    return this.clock();
  }

  checkOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }

  /** Runs claims from this store one at a time, in the order they were asked for. */
  inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.claims.then(fn, fn);
    this.claims = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.claims;
    await this.pool.end();
  }
}
