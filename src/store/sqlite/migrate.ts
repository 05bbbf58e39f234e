import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * tsc does not copy .sql files to dist/, so from dist/store/sqlite the files
 * are found back in src/store/migrations; from src/ (tests) they sit next door.
 */
export function migrationsDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'migrations'),
    path.join(__dirname, '..', '..', '..', 'src', 'store', 'migrations'),
  ];
  for (const dir of candidates) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => FILE.test(f))) return dir;
  }
  throw new Error(`store migrations not found; looked in ${candidates.join(' and ')}`);
}

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .map((file) => ({ file, m: FILE.exec(file) }))
    .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
    .map(({ file, m }) => ({ version: Number(m[1]), name: m[2], sql: fs.readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(`two store migrations share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/** Applies, in order and each in its own transaction, the migrations not yet recorded. */
export function migrate(db: Database.Database, migrations: Migration[], now: () => Date): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    // Re-checked inside the write lock: another process may be migrating the same file.
    const apply = db.transaction(() => {
      if (isApplied.get(m.version)) return;
      db.exec(m.sql);
      record.run(m.version, m.name, now().toISOString());
      applied.push(m.version);
    });
    apply.immediate();
  }
  return applied;
}
