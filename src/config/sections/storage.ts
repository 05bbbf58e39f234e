import { z } from 'zod';
import type { EnvReader } from '../reader';
import { nonEmpty } from '../fields';

/** PostgreSQL when DATABASE_URL is set (several replicas share it), else one SQLite file. */
export type StorageConfig =
  | { kind: 'sqlite'; sqlitePath: string }
  | {
      kind: 'postgres';
      /** Holds a password: print only through redactConfig. */
      databaseUrl: string;
    };

/** The URL with its password masked, for errors and printing. */
export function maskUrlPassword(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    // Unparseable: it may still hold a password, so show nothing after the scheme.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(raw)?.[0] ?? '';
    return `${scheme}***`;
  }
}

const databaseUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'a Postgres URL such as postgres://user:password@host:5432/firstwatch');

/** undefined when DATABASE_URL is set but invalid (the problem is recorded). */
export function readStorage(r: EnvReader): StorageConfig | undefined {
  const url = r.get('DATABASE_URL', databaseUrl, maskUrlPassword);
  const sqlitePath = r.get('SQLITE_PATH', nonEmpty) ?? './data/firstwatch.db';
  if (!r.isSet('DATABASE_URL')) return { kind: 'sqlite', sqlitePath };
  return url === undefined ? undefined : { kind: 'postgres', databaseUrl: url };
}
