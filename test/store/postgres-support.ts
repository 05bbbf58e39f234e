import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** CI starts PostgreSQL on loopback; TEST_DATABASE_URL points elsewhere when needed. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test file or run uses. */
export function freshSchema(label: string): string {
  return `fw_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
}

/** Runs `fn` on a short-lived connection; fails with a message saying what to start when PostgreSQL is not there. */
export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is required for these tests and is not reachable at ${PG_URL} (${(err as Error).message}). ` +
        'Start it (CI does) or set TEST_DATABASE_URL.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function requirePostgres(): Promise<void> {
  await withAdmin((c) => c.query('SELECT 1'));
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^fw_test_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop ${schema}: not a test schema`);
  await withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}
