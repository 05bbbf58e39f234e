import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { StoreInputError } from '../store';
import { asInputError } from './checks';
import { checkSchemaName } from './migrate';

export interface PgPoolOptions {
  /** Tables live in this schema (created when missing); unset: the server's search_path decides. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Errors on idle connections (the pool drops and replaces them); ignored when unset. */
  onPoolError?: (err: Error) => void;
}

/** host:port/database, without user or password, for error messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}

export function createPool(url: unknown, options: PgPoolOptions): Pool {
  if (typeof url !== 'string' || url.trim().length === 0) {
    throw new StoreInputError('the PostgreSQL URL must be a non-empty string, such as postgres://user:password@host:5432/firstwatch');
  }
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  const max = options.poolSize ?? 10;
  if (!Number.isInteger(max) || max < 1) throw new StoreInputError(`poolSize must be a positive integer, got ${String(max)}`);
  // Required here, not at start: a SQLite deployment never loads the driver.
  const { Pool: PgPool } = require('pg') as typeof import('pg');
  const pool = new PgPool({
    connectionString: url,
    max,
    keepAlive: true,
    // Every connection resolves table names in the chosen schema only.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // Without a listener an idle connection's error (server restart) would crash the process.
  pool.on('error', (err) => options.onPoolError?.(err));
  return pool;
}

/** Runs single statements and transactions on a pool, reporting refused values as StoreInputError. */
export class PgRunner {
  constructor(private readonly pool: Pool) {}

  async query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw asInputError(err);
    }
  }

  /** BEGIN … COMMIT on one connection; any error rolls back and is rethrown. */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // A connection that cannot roll back is not handed out again.
        broken = rollbackErr as Error;
      }
      throw asInputError(err);
    } finally {
      client.release(broken);
    }
  }
}
