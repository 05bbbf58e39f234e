import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Table } from '../../kql/types';
import { Timespan } from '../../kql/values';
import { INGESTION_TIME_FIELD, TABLE_FILE_SUFFIX } from './format';

function encodeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Timespan) return value.toString();
  return value;
}

/** The NDJSON text of one table (see ./format.ts). */
export function tableToNdjson(table: Table & { ingestionTimes: Date[] }): string {
  if (table.ingestionTimes.length !== table.rows.length) {
    throw new Error(`table ${table.name}: ${table.rows.length} rows but ${table.ingestionTimes.length} ingestion times`);
  }
  const lines = [JSON.stringify({ table: table.name, columns: table.columns.map((c) => ({ name: c.name, type: c.type })) })];
  table.rows.forEach((row, i) => {
    const out: Record<string, unknown> = { [INGESTION_TIME_FIELD]: table.ingestionTimes[i].toISOString() };
    for (const c of table.columns) {
      if (row[c.name] !== undefined) out[c.name] = encodeValue(row[c.name]);
    }
    lines.push(JSON.stringify(out));
  });
  return lines.join('\n') + '\n';
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

export async function writeTables(dir: string, tables: Array<Table & { ingestionTimes: Date[] }>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const t of tables) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.name)) throw new Error(`table name ${JSON.stringify(t.name)} is not a valid KQL table name`);
    await writeFileAtomic(path.join(dir, `${t.name}${TABLE_FILE_SUFFIX}`), tableToNdjson(t));
  }
}
