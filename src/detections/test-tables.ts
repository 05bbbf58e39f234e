import type { Column, ColumnType, Table, TableSource } from '../kql/types';
import { KNOWN_TABLE_COLUMNS } from './known-tables';
import { asDate } from './row-values';
import type { TestTable } from './types';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function inferType(name: string, values: unknown[]): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (name === 'TimeGenerated') return 'datetime';
  if (present.length === 0) return 'string';
  const kinds = new Set(
    present.map((v) => {
      if (v instanceof Date) return 'datetime';
      if (typeof v === 'boolean') return 'bool';
      if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
      if (typeof v === 'object') return 'dynamic';
      return typeof v === 'string' && ISO_INSTANT.test(v) ? 'datetime' : 'string';
    }),
  );
  if (kinds.size === 1) return [...kinds][0] as ColumnType;
  if ([...kinds].every((k) => k === 'long' || k === 'real')) return 'real';
  throw new Error(`column ${name} mixes ${[...kinds].join(' and ')} values; declare its type under columns`);
}

function convert(column: string, type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const bad = () => new Error(`column ${column} (${type}): ${JSON.stringify(v)} does not fit`);
  switch (type) {
    case 'datetime': {
      const d = asDate(v);
      if (d === undefined) throw bad();
      return d;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw bad();
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    case 'dynamic':
      if (typeof v === 'string') {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      }
      return v instanceof Date ? v.toISOString() : v;
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** A rule test case's tables as the KQL engine's Table objects (like `datatable`, plus ingestion times). */
export function buildTestTables(tables: Record<string, TestTable>): Table[] {
  return Object.entries(tables).map(([name, t]) => {
    const known: Readonly<Record<string, ColumnType>> = KNOWN_TABLE_COLUMNS[name] ?? {};
    const names: string[] = Object.keys(known);
    for (const r of t.rows) for (const k of Object.keys(r.values)) if (!names.includes(k)) names.push(k);
    for (const k of Object.keys(t.columns)) if (!names.includes(k)) names.push(k);
    const columns: Column[] = names.map((n) => ({
      name: n,
      type:
        (t.columns[n] as ColumnType | undefined) ??
        known[n] ??
        inferType(
          n,
          t.rows.map((r) => r.values[n]),
        ),
    }));
    const rows = t.rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, convert(c.name, c.type, r.values[c.name])])));
    const ingestionTimes = t.rows.map((r, i) => {
      const at = r.ingestionTime ?? (rows[i].TimeGenerated as Date | null);
      if (!(at instanceof Date)) throw new Error(`table ${name}, row ${i + 1}: needs TimeGenerated or $ingestionTime`);
      return at;
    });
    return { name, columns, rows, ingestionTimes };
  });
}

export function tableSource(tables: Table[]): TableSource {
  const byName = new Map(tables.map((t) => [t.name, t]));
  return { getTable: (name) => byName.get(name) };
}
