import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Column, ColumnType, Row, Table, TableSource } from '../../kql/types';
import { parseTimespanText } from '../../kql/values';
import { INGESTION_TIME_FIELD, TABLE_FILE_SUFFIX, WorkspaceDataError } from './format';

const COLUMN_TYPES: readonly ColumnType[] = ['string', 'guid', 'int', 'long', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'dynamic'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The tables of a local workspace folder, as the KQL engine reads them. */
export class LoadedWorkspace implements TableSource {
  constructor(readonly tables: ReadonlyMap<string, Table & { ingestionTimes: Date[] }>) {}

  getTable(name: string): Table | undefined {
    return this.tables.get(name);
  }

  get rowCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.rows.length;
    return n;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJsonLine(file: string, line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WorkspaceDataError(file, line, `not valid JSON (${(err as Error).message})`);
  }
}

function parseHeader(file: string, text: string, expectedName: string): Column[] {
  const h = parseJsonLine(file, 1, text);
  if (!isRecord(h) || typeof h.table !== 'string' || !Array.isArray(h.columns)) {
    throw new WorkspaceDataError(file, 1, 'the first line must be the schema: {"table": "<name>", "columns": [{"name", "type"}, ...]}');
  }
  if (h.table !== expectedName) {
    throw new WorkspaceDataError(
      file,
      1,
      `the schema names table ${JSON.stringify(h.table)} but the file is named for ${JSON.stringify(expectedName)}`,
    );
  }
  const seen = new Set<string>();
  return h.columns.map((c: unknown, i: number): Column => {
    if (!isRecord(c) || typeof c.name !== 'string' || typeof c.type !== 'string') {
      throw new WorkspaceDataError(file, 1, `column #${i + 1} must be {"name": string, "type": string}`);
    }
    if (!NAME.test(c.name)) throw new WorkspaceDataError(file, 1, `column name ${JSON.stringify(c.name)} is not a valid identifier`);
    if (seen.has(c.name)) throw new WorkspaceDataError(file, 1, `column ${c.name} is declared twice`);
    if (c.name === INGESTION_TIME_FIELD)
      throw new WorkspaceDataError(file, 1, `${INGESTION_TIME_FIELD} is reserved for the ingestion time`);
    if (!(COLUMN_TYPES as readonly string[]).includes(c.type)) {
      throw new WorkspaceDataError(
        file,
        1,
        `column ${c.name} has unknown type ${JSON.stringify(c.type)} (expected one of ${COLUMN_TYPES.join(', ')})`,
      );
    }
    seen.add(c.name);
    return { name: c.name, type: c.type as ColumnType };
  });
}

function parseDate(text: unknown): Date | undefined {
  if (typeof text !== 'string' || !ISO_DATETIME.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Converts one stored value to the engine's JS type; a string saying what is wrong when it cannot. */
function decodeCell(value: unknown, type: ColumnType): { value: unknown } | string {
  if (value === null) return { value: null };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { value } : 'expected a string';
    case 'guid':
      return typeof value === 'string' && GUID.test(value) ? { value } : 'expected a GUID string';
    case 'int':
      return Number.isInteger(value) && Math.abs(value as number) <= 2147483648 ? { value } : 'expected a 32-bit integer';
    case 'long':
      return Number.isSafeInteger(value) ? { value } : 'expected an integer';
    case 'real':
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : 'expected a number';
    case 'bool':
      return typeof value === 'boolean' ? { value } : 'expected true or false';
    case 'datetime': {
      const d = parseDate(value);
      return d ? { value: d } : 'expected an ISO 8601 datetime string with a time zone, e.g. "2026-01-31T12:00:00Z"';
    }
    case 'timespan': {
      const t = typeof value === 'string' ? parseTimespanText(value) : undefined;
      return t ? { value: t } : 'expected a timespan string "[d.]hh:mm:ss[.fffffff]"';
    }
    case 'dynamic':
      return { value };
  }
}

/** Parses one table file's text; errors name the file and line. */
export function parseTableFile(file: string, text: string, tableName: string): Table & { ingestionTimes: Date[] } {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first >= lines.length) throw new WorkspaceDataError(file, 0, 'the file is empty; its first line must be the schema');
  if (first > 0) throw new WorkspaceDataError(file, first + 1, 'the schema must be on the first line');
  const columns = parseHeader(file, lines[0], tableName);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const rows: Row[] = [];
  const ingestionTimes: Date[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '') continue;
    const lineNo = i + 1;
    const raw = parseJsonLine(file, lineNo, text);
    if (!isRecord(raw)) throw new WorkspaceDataError(file, lineNo, 'a row must be a JSON object');
    const ingested = parseDate(raw[INGESTION_TIME_FIELD]);
    if (!ingested) throw new WorkspaceDataError(file, lineNo, `${INGESTION_TIME_FIELD} is missing or not an ISO 8601 datetime`);
    const row: Row = {};
    for (const c of columns) row[c.name] = null;
    for (const [key, value] of Object.entries(raw)) {
      if (key === INGESTION_TIME_FIELD) continue;
      const col = byName.get(key);
      if (!col) throw new WorkspaceDataError(file, lineNo, `field ${key} is not a column of ${tableName}`);
      const decoded = decodeCell(value, col.type);
      if (typeof decoded === 'string') {
        throw new WorkspaceDataError(file, lineNo, `column ${key} (${col.type}): ${decoded}, got ${JSON.stringify(value)?.slice(0, 80)}`);
      }
      row[key] = decoded.value;
    }
    rows.push(row);
    ingestionTimes.push(ingested);
  }
  return { name: tableName, columns, rows, ingestionTimes };
}

/** Loads every `<Table>.ndjson` in `dir`; other files are ignored. */
export async function loadWorkspace(dir: string): Promise<LoadedWorkspace> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new WorkspaceDataError(
      dir,
      0,
      `cannot read the workspace folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const files = names.filter((n) => n.endsWith(TABLE_FILE_SUFFIX)).sort();
  if (files.length === 0) throw new WorkspaceDataError(dir, 0, `no table files (*${TABLE_FILE_SUFFIX}) in the workspace folder`);
  const tables = new Map<string, Table & { ingestionTimes: Date[] }>();
  for (const name of files) {
    const file = path.join(dir, name);
    const tableName = name.slice(0, -TABLE_FILE_SUFFIX.length);
    if (!NAME.test(tableName)) throw new WorkspaceDataError(file, 0, `${JSON.stringify(tableName)} is not a valid table name`);
    tables.set(tableName, parseTableFile(file, await readFile(file, 'utf8'), tableName));
  }
  return new LoadedWorkspace(tables);
}
