import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SENTINEL_TABLES } from '../../kql';
import type { Column, ColumnType, Row, Table } from '../../kql/types';

/**
 * Tables exported from Log Analytics, read for replaying rules offline: one file per table, named
 * after it (SigninLogs.csv, AzureActivity.json, SigninLogs_2026-11-27.csv). Accepted forms: the
 * query API's JSON ({"tables":[{"name","columns","rows"}]}), a JSON array of row objects (the
 * portal's JSON export), and CSV with a header row (the portal's CSV export, "TimeGenerated [UTC]"
 * headers and "11/27/2026, 10:00:00.000 AM" times included). Columns take the types Log Analytics
 * documents for known tables, else the export's own, else string. Each row's ingestion time is its
 * TimeGenerated.
 */
export interface ExportedTable extends Table {
  ingestionTimes: Date[];
}

export class ExportedTableError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ExportedTableError';
  }
}

const API_TYPES: Record<string, ColumnType> = {
  string: 'string',
  guid: 'guid',
  int: 'int',
  long: 'long',
  real: 'real',
  double: 'real',
  decimal: 'decimal',
  bool: 'bool',
  boolean: 'bool',
  datetime: 'datetime',
  timespan: 'string',
  dynamic: 'dynamic',
};

/** "11/27/2026, 10:00:00.000 AM" (portal CSV, UTC) or ISO text → Date. */
function parseTime(text: string): Date | null {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ?([AP]M)?$/i.exec(t);
  if (m) {
    let hour = Number(m[4]) % 12;
    if (m[8]?.toUpperCase() === 'PM') hour += 12;
    if (m[8] === undefined) hour = Number(m[4]);
    const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
    return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6]), ms));
  }
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function convert(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime':
      return value instanceof Date ? value : parseTime(String(value));
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': {
      if (typeof value === 'number') return value;
      const s = String(value).trim();
      return s === '' || Number.isNaN(Number(s)) ? null : Number(s);
    }
    case 'bool':
      return typeof value === 'boolean' ? value : /^true$/i.test(String(value)) ? true : /^false$/i.test(String(value)) ? false : null;
    case 'dynamic':
      if (typeof value !== 'string') return value;
      if (value.trim() === '') return null;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function tableFrom(name: string, columns: Column[], rows: Row[]): ExportedTable {
  const known = new Map((SENTINEL_TABLES[name] ?? []).map((c) => [c.name, c.type]));
  const typed = columns.map((c) => ({ name: c.name, type: known.get(c.name) ?? c.type }));
  // Known columns the export left out are still columns of the table (null in every row).
  for (const c of SENTINEL_TABLES[name] ?? []) if (!typed.some((t) => t.name === c.name)) typed.push({ ...c });
  const converted = rows.map((r) => Object.fromEntries(typed.map((c) => [c.name, convert(r[c.name], c.type)])));
  const ingestionTimes = converted.map((r) => (r.TimeGenerated instanceof Date ? r.TimeGenerated : new Date(0)));
  return { name, columns: typed, rows: converted, ingestionTimes };
}

function fromJson(file: string, name: string, text: string): ExportedTable[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ExportedTableError(file, `not JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(data)) {
    const rows = data.filter((r): r is Row => r !== null && typeof r === 'object' && !Array.isArray(r));
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return [
      tableFrom(
        name,
        names.map((n) => ({ name: n, type: 'string' })),
        rows,
      ),
    ];
  }
  const tables = (data as { tables?: unknown }).tables;
  if (!Array.isArray(tables)) throw new ExportedTableError(file, 'expected a list of rows or {"tables": [...]} as the query API returns');
  return tables.map((t: { name?: string; columns?: { name: string; type: string }[]; rows?: unknown[][] }, i) => {
    if (!Array.isArray(t.columns) || !Array.isArray(t.rows)) throw new ExportedTableError(file, `tables[${i}] has no columns and rows`);
    const columns = t.columns.map((c) => ({ name: c.name, type: API_TYPES[c.type] ?? 'string' }));
    const rows = t.rows.map((cells) => Object.fromEntries(columns.map((c, j) => [c.name, cells[j]])));
    return tableFrom(tables.length === 1 ? name : (t.name ?? name), columns, rows);
  });
}

function fromCsv(file: string, name: string, text: string): ExportedTable {
  const [header, ...lines] = parseCsv(text);
  if (header === undefined) throw new ExportedTableError(file, 'empty CSV (no header row)');
  const names = header.map((h) => h.replace(/\s*\[UTC\]$/i, '').trim());
  lines.forEach((l, i) => {
    if (l.length !== names.length) throw new ExportedTableError(file, `line ${i + 2} has ${l.length} fields, the header ${names.length}`);
  });
  const rows = lines.map((l) => Object.fromEntries(names.map((n, j) => [n, l[j]])));
  return tableFrom(
    name,
    names.map((n) => ({ name: n, type: 'string' })),
    rows,
  );
}

/** Every *.csv and *.json in `dir`, as tables; several files of one table are appended. */
export async function readExportedTables(dir: string): Promise<ExportedTable[]> {
  const files = (await readdir(dir)).filter((f) => /\.(csv|json)$/i.test(f)).sort();
  if (files.length === 0) throw new ExportedTableError(dir, 'no .csv or .json exports in the folder');
  const byName = new Map<string, ExportedTable>();
  for (const f of files) {
    const name = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(path.basename(f)) ?? [''])[0];
    if (name === '') throw new ExportedTableError(f, 'the file name must start with the table name');
    const text = await readFile(path.join(dir, f), 'utf8');
    const tables = /\.json$/i.test(f) ? fromJson(f, name, text) : [fromCsv(f, name, text)];
    for (const t of tables) {
      const prior = byName.get(t.name);
      if (prior === undefined) byName.set(t.name, t);
      else {
        for (const c of t.columns) if (!prior.columns.some((p) => p.name === c.name)) prior.columns.push(c);
        prior.rows.push(...t.rows);
        prior.ingestionTimes.push(...t.ingestionTimes);
      }
    }
  }
  return [...byName.values()];
}
