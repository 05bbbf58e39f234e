import path from 'node:path';
import { KNOWN_TABLE_COLUMNS } from '../../detections/known-tables';
import type { Column, ColumnType, Row, Table } from '../../kql/types';
import { parseTimespanText } from '../../kql/values';
import { parseCsv } from './csv';
import { WorkspaceDataError } from './format';

export type ImportedTable = Table & { ingestionTimes: Date[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES: readonly ColumnType[] = ['string', 'guid', 'int', 'long', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'dynamic'];
/** Columns that carry ingestion_time() in an export (`| extend IngestionTime = ingestion_time()`); not table columns. */
const INGESTION_COLUMNS = ['IngestionTime', '_IngestionTime', '_ingestion_time'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
/** The portal's CSV export: "11/27/2026, 12:10:00.000 PM" (UTC). */
const PORTAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?: ?([AP]M))?$/i;

interface Cell {
  /** Line of the file the value is on, or 0 when unknown (JSON). */
  line: number;
  /** Row number, 1-based. */
  row: number;
  value: unknown;
}

/**
 * One table exported from Log Analytics (CSV from the portal, or JSON: the query API's
 * `{"tables": [...]}` or an array of row objects as `az monitor log-analytics query` prints),
 * named for its file (`BehaviorAnalytics.csv`). Column types come from the export (JSON API),
 * else from the known Sentinel tables, else from the values. Errors name file, line and column.
 */
export function importExport(file: string, text: string, name = path.basename(file, path.extname(file))): ImportedTable {
  const ext = path.extname(file).toLowerCase();
  if (!NAME.test(name)) throw new WorkspaceDataError(file, 0, `${JSON.stringify(name)} is not a table name: name the file <Table>${ext}`);
  const parsed = ext === '.csv' ? fromCsv(file, text) : ext === '.json' ? fromJson(file, text) : undefined;
  if (parsed === undefined) throw new WorkspaceDataError(file, 0, 'expected a .csv or .json export');
  return toTable(file, name, parsed);
}

interface Parsed {
  names: string[];
  declared: Map<string, ColumnType>;
  rows: Map<string, Cell>[];
}

function fromCsv(file: string, text: string): Parsed {
  const records = parseCsv(file, text);
  const header = records.shift();
  if (header === undefined) throw new WorkspaceDataError(file, 0, 'the file is empty; its first line must name the columns');
  // The portal writes "TimeGenerated [UTC]".
  const names = header.cells.map((c) => c.trim().replace(/\s*\[[^\]]*\]$/, ''));
  checkNames(file, header.line, names);
  const rows = records.map((r, i) => {
    if (r.cells.length !== names.length)
      throw new WorkspaceDataError(file, r.line, `${r.cells.length} fields, the header names ${names.length} columns`);
    return new Map(names.map((n, c) => [n, { line: r.line, row: i + 1, value: r.cells[c] as string }]));
  });
  return { names, declared: new Map(), rows };
}

function fromJson(file: string, text: string): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : undefined;
    const line = offset === undefined ? 0 : text.slice(0, offset).split('\n').length;
    const column = offset === undefined ? undefined : offset - text.lastIndexOf('\n', offset - 1);
    throw new WorkspaceDataError(file, line, `not valid JSON${column !== undefined ? ` (column ${column})` : ''}: ${message}`);
  }
  if (isRecord(doc) && Array.isArray(doc.tables)) return fromApiTable(file, doc.tables[0]);
  if (Array.isArray(doc)) {
    const names: string[] = [];
    const rows = doc.map((r: unknown, i) => {
      if (!isRecord(r)) throw new WorkspaceDataError(file, 0, `row ${i + 1}: expected an object of column: value`);
      for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
      return new Map(Object.entries(r).map(([k, v]) => [k, { line: 0, row: i + 1, value: v }]));
    });
    checkNames(file, 0, names);
    return { names, declared: new Map(), rows };
  }
  throw new WorkspaceDataError(file, 0, 'expected the query API\'s {"tables": [...]} or an array of row objects');
}

function fromApiTable(file: string, table: unknown): Parsed {
  if (!isRecord(table) || !Array.isArray(table.columns) || !Array.isArray(table.rows)) {
    throw new WorkspaceDataError(file, 0, 'tables[0] must have "columns" and "rows"');
  }
  const declared = new Map<string, ColumnType>();
  const names = table.columns.map((c: unknown, i) => {
    if (!isRecord(c) || typeof c.name !== 'string') throw new WorkspaceDataError(file, 0, `column #${i + 1} must be {"name", "type"}`);
    const type = String(c.type ?? 'string').toLowerCase();
    if (!(TYPES as readonly string[]).includes(type))
      throw new WorkspaceDataError(file, 0, `column ${c.name}: unknown type ${JSON.stringify(c.type)}`);
    declared.set(c.name, type as ColumnType);
    return c.name;
  });
  checkNames(file, 0, names);
  const rows = table.rows.map((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== names.length)
      throw new WorkspaceDataError(file, 0, `row ${i + 1}: expected an array of ${names.length} cells`);
    return new Map(names.map((n, c) => [n, { line: 0, row: i + 1, value: r[c] as unknown }]));
  });
  return { names, declared, rows };
}

function checkNames(file: string, line: number, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (!NAME.test(n)) throw new WorkspaceDataError(file, line, `column name ${JSON.stringify(n)} is not a valid identifier`);
    if (seen.has(n)) throw new WorkspaceDataError(file, line, `column ${n} appears twice`);
    seen.add(n);
  }
}

function toTable(file: string, name: string, parsed: Parsed): ImportedTable {
  const known = KNOWN_TABLE_COLUMNS[name] ?? {};
  const ingestionColumn = parsed.names.find((n) => INGESTION_COLUMNS.includes(n));
  const own = parsed.names.filter((n) => n !== ingestionColumn);
  // A known table gets every column of the real one, so rules naming a column the export left out still run.
  const names = [...own, ...Object.keys(known).filter((n) => !own.includes(n))];
  const columns: Column[] = names.map((n) => ({
    name: n,
    type: parsed.declared.get(n) ?? known[n] ?? inferType(parsed.rows.map((r) => r.get(n)?.value)),
  }));
  const rows: Row[] = [];
  const ingestionTimes: Date[] = [];
  for (const cells of parsed.rows) {
    const row: Row = {};
    for (const c of columns) row[c.name] = convert(file, c, cells.get(c.name));
    const at =
      ingestionColumn !== undefined
        ? convert(file, { name: ingestionColumn, type: 'datetime' }, cells.get(ingestionColumn))
        : row.TimeGenerated;
    if (!(at instanceof Date)) {
      const where = cells.values().next().value as Cell | undefined;
      throw new WorkspaceDataError(
        file,
        where?.line ?? 0,
        `row ${where?.row ?? '?'}: needs TimeGenerated${ingestionColumn ? ` or ${ingestionColumn}` : ''} to know when it was ingested`,
      );
    }
    rows.push(row);
    ingestionTimes.push(at);
  }
  return { name, columns, rows, ingestionTimes };
}

function inferType(values: unknown[]): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  if (present.length === 0) return 'string';
  if (present.every((v) => typeof v === 'boolean' || (typeof v === 'string' && /^(true|false)$/i.test(v)))) return 'bool';
  if (present.every((v) => asDate(v) !== undefined)) return 'datetime';
  if (present.every((v) => Number.isSafeInteger(typeof v === 'string' ? Number(v) : v) && String(v).trim() !== '')) return 'long';
  if (present.every((v) => Number.isFinite(typeof v === 'string' ? Number(v) : v) && String(v).trim() !== '')) return 'real';
  if (present.every((v) => typeof v === 'object' || (typeof v === 'string' && /^[[{]/.test(v.trim()) && parsesAsJson(v)))) return 'dynamic';
  return 'string';
}

function convert(file: string, column: Column, cell: Cell | undefined): unknown {
  if (cell === undefined) return null;
  const v = cell.value;
  if (v === null || v === undefined || v === '') return null;
  const fail = (expected: string): never => {
    const where = cell.line > 0 ? `column ${column.name}` : `row ${cell.row}, column ${column.name}`;
    throw new WorkspaceDataError(file, cell.line, `${where} (${column.type}): expected ${expected}, got ${JSON.stringify(v).slice(0, 80)}`);
  };
  switch (column.type) {
    case 'datetime':
      return asDate(v) ?? fail('a date and time (ISO 8601, or the portal\'s "11/27/2026, 12:10:00.000 PM")');
    case 'bool':
      if (typeof v === 'boolean') return v;
      return typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : fail('true or false');
    case 'int':
    case 'long': {
      const n = typeof v === 'string' ? Number(v) : v;
      return Number.isSafeInteger(n) ? n : fail('a whole number');
    }
    case 'real':
    case 'decimal': {
      const n = typeof v === 'string' ? Number(v) : v;
      return typeof n === 'number' && Number.isFinite(n) ? n : fail('a number');
    }
    case 'dynamic':
      if (typeof v !== 'string') return v;
      return /^[[{]/.test(v.trim()) ? (parsesAsJson(v) ? (JSON.parse(v) as unknown) : fail('JSON')) : v;
    case 'timespan':
      return (typeof v === 'string' ? parseTimespanText(v) : undefined) ?? fail('a timespan "[d.]hh:mm:ss[.fffffff]"');
    default:
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

function asDate(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (ISO.test(s)) {
    const d = new Date(/[Zz]|[+-]\d{2}:\d{2}$/.test(s) ? s : `${s}Z`);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = PORTAL.exec(s);
  if (m === null) return undefined;
  let hour = Number(m[4]);
  if (m[8] !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (m[8].toUpperCase() === 'PM' ? 12 : 0);
  }
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const d = new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6]), ms));
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[2]) ? undefined : d;
}

function parsesAsJson(v: string): boolean {
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
