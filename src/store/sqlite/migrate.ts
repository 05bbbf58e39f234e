import path from 'node:path';
import type Database from 'better-sqlite3';
import { findMigrationsDir, loadMigrationFiles, type Migration } from '../migration-files';

export type { Migration };

export function migrationsDir(): string {
  return findMigrationsDir(
    [path.join(__dirname, 'migrations'), path.join(__dirname, '..', '..', '..', 'src', 'store', 'sqlite', 'migrations')],
    'store',
  );
}

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  return loadMigrationFiles(dir, 'store');
}

/**
 * Applies, in order and each in its own transaction, the migrations not yet recorded.
 *
 * Foreign keys are off while migrating (SQLite ignores that pragma inside a
 * transaction, so it is set around them): rebuilding a table that others
 * reference means dropping it first. Each migration is checked with
 * foreign_key_check before it commits, so none can leave a dangling reference.
 */
export function migrate(db: Database.Database, migrations: Migration[], now: () => Date): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of migrations) {
      // Re-checked inside the write lock: another process may be migrating the same file.
      const apply = db.transaction(() => {
        if (isApplied.get(m.version)) return;
        db.exec(m.sql);
        const dangling = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
        const first = dangling[0];
        if (first !== undefined) {
          throw new Error(
            `migration ${m.version}_${m.name} leaves ${dangling.length} row(s) pointing at missing rows (first: ${first.table} rowid ${first.rowid} → ${first.parent})`,
          );
        }
        record.run(m.version, m.name, now().toISOString());
        applied.push(m.version);
      });
      apply.immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return applied;
}
