import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { maskUrlPassword } from '../config/sections/storage';
import { openPostgresStore, openSqliteStore, type Store } from '../store';
import { messageOf } from './format';
import type { CheckResult } from './types';

/** Opens the store as `start` does, which applies any pending migration; the store is kept for later checks. */
export async function checkStore(config: Config): Promise<{ result: CheckResult; store?: Store }> {
  const storage = config.storage;
  if (storage.kind === 'postgres') {
    const shown = maskUrlPassword(storage.databaseUrl);
    try {
      const store = await openPostgresStore(storage.databaseUrl);
      return { result: { check: 'store', verdict: 'ok', detail: `PostgreSQL ${shown} reachable, migrations applied` }, store };
    } catch (err) {
      return {
        result: {
          check: 'store',
          verdict: 'FAIL',
          detail: `PostgreSQL ${shown}: ${messageOf(err)}`,
          fix: 'check DATABASE_URL (host, port, user, password, database) and that this host may connect; the user needs CREATE on the database for the migrations',
        },
      };
    }
  }
  const file = storage.sqlitePath;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const store = openSqliteStore(file);
    return { result: { check: 'store', verdict: 'ok', detail: `SQLite ${file} opened, migrations applied` }, store };
  } catch (err) {
    return {
      result: {
        check: 'store',
        verdict: 'FAIL',
        detail: `SQLite ${file}: ${messageOf(err)}`,
        fix: 'point SQLITE_PATH at a writable file (in a container: a volume such as /data/firstwatch.db)',
      },
    };
  }
}
