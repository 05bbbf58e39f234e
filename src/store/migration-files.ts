import fs from 'node:fs';
import path from 'node:path';

/** One numbered SQL file: `0003_storm_digests.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The first folder that holds migration files. `npm run build` copies them
 * beside dist/; run from src/ (tests, tsx) they sit next to the code.
 */
export function findMigrationsDir(candidates: string[], what: string): string {
  for (const dir of candidates) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => FILE.test(f))) return dir;
  }
  throw new Error(`${what} migrations not found; looked in ${candidates.join(' and ')}`);
}

/** Every migration in `dir`, in version order; two files with one version are an error. */
export function loadMigrationFiles(dir: string, what: string): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .map((file) => ({ file, m: FILE.exec(file) }))
    .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
    .map(({ file, m }) => ({ version: Number(m[1]), name: m[2] as string, sql: fs.readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new Error(`two ${what} migrations share version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}
