import { z } from 'zod';
import type { EnvReader } from '../reader';
import { nonEmpty } from '../fields';

export interface StorageConfig {
  /** 'postgres' when DATABASE_URL is set, else 'sqlite'. */
  kind: 'sqlite' | 'postgres';
  sqlitePath: string;
  /** Holds a password: print only through redactConfig. */
  databaseUrl?: string;
}

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

export function readStorage(r: EnvReader): StorageConfig {
  const url = r.get('DATABASE_URL', databaseUrl, maskUrlPassword);
  return {
    kind: r.isSet('DATABASE_URL') ? 'postgres' : 'sqlite',
    sqlitePath: r.get('SQLITE_PATH', nonEmpty) ?? './data/firstwatch.db',
    databaseUrl: url,
  };
}
