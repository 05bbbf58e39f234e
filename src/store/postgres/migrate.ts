import path from 'node:path';
import type { PoolClient } from 'pg';
import { findMigrationsDir, loadMigrationFiles, type Migration } from '../migration-files';
import { StoreInputError } from '../store';
import { lockKey } from './lock-key';

export type PgMigration = Migration;

/** Advisory-lock class for schema migrations (the scope hash is the second key). */
const MIGRATION_LOCK_CLASS = 0x46570001;

export function pgMigrationsDir(): string {
  return findMigrationsDir(
    [path.join(__dirname, 'migrations'), path.join(__dirname, '..', '..', '..', 'src', 'store', 'postgres', 'migrations')],
    'PostgreSQL store',
  );
}

export function loadPgMigrations(dir: string = pgMigrationsDir()): PgMigration[] {
  return loadMigrationFiles(dir, 'PostgreSQL store');
}

export interface MigrateOptions {
  /** Created when missing; the client's search_path must already name it. Unset: the server's search_path decides. */
  schema?: string;
  now: () => Date;
}

/**
 * Applies, in order and each in its own transaction, the migrations not yet
 * recorded in schema_migrations. A session advisory lock (one per schema) is
 * held throughout, so replicas starting together migrate once: the others
 * wait, then find every version recorded.
 */
export async function migratePg(client: PoolClient, migrations: PgMigration[], options: MigrateOptions): Promise<number[]> {
  const scope = options.schema ?? (await currentSchema(client));
  const key = lockKey(scope);
  await client.query('SELECT pg_advisory_lock($1, $2)', [MIGRATION_LOCK_CLASS, key]);
  try {
    if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const recorded = new Set(done.rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (recorded.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          options.now(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`PostgreSQL store migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [MIGRATION_LOCK_CLASS, key]);
  }
}

async function currentSchema(client: PoolClient): Promise<string> {
  const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new Error('PostgreSQL has no schema to create the FirstWatch tables in: none of the search_path schemas exists');
  }
  return schema;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are limited to plain lower-case identifiers, so they need no escaping anywhere. */
export function checkSchemaName(schema: unknown): string {
  if (typeof schema !== 'string' || !IDENT.test(schema) || schema.startsWith('pg_')) {
    throw new StoreInputError(
      `PostgreSQL schema name must be 1-63 lower-case letters, digits or underscores, not starting with a digit or "pg_"; got ${JSON.stringify(schema)}`,
    );
  }
  return schema;
}

export function quoteIdent(name: string): string {
  return `"${checkSchemaName(name)}"`;
}
