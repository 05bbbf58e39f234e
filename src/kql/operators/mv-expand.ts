import type { Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { newCtx } from '../compile/context';
import { errorAt } from '../errors';
import { defaultColumnName } from '../compile/naming';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import { isPlainObject } from '../values';
import { toDate } from './coerce';
import type { ColumnType } from '../types';
import { takeCount } from '../engine/segment';

type MvExpandOp = Extract<Op, { k: 'mv-expand' }>;

/** Spreads array (or property bag) values over rows; several columns expand side by side. */
export function mvExpand(input: Rel, op: MvExpandOp, env: Env): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const limit = op.limit ? takeCount({ count: op.limit, pos: op.pos }, env) : Infinity;
  const columns = input.columns.map((c) => ({ ...c }));
  let unnamed = 0;
  const items = op.items.map((it) => {
    const c = compileExpr(it.expr, scope);
    if (c.type !== 'dynamic') throw errorAt(`mv-expand needs a dynamic column, not ${c.type}`, it.pos);
    // `mv-expand split(s, ";")` expands into s itself, as Kusto names it; what keeps no name is Column1, ...
    const name = it.name ?? (defaultColumnName(it.expr) || `Column${++unnamed}`);
    const type = it.type ?? 'dynamic';
    let at = columns.findIndex((col) => col.name === name);
    if (at < 0) {
      at = columns.length;
      columns.push({ name, type });
    } else columns[at] = { name, type };
    return { ev: c.ev, at, type };
  });
  const indexAt = op.itemIndex === undefined ? -1 : columns.length;
  if (op.itemIndex !== undefined) columns.push({ name: op.itemIndex, type: 'long' });
  const rows: unknown[][] = [];
  const ingest: (Date | null)[] | null = input.ingest ? [] : null;
  const c = newCtx();
  const width = columns.length;
  for (let i = 0; i < input.rows.length; i++) {
    c.base = input.rows[i];
    c.i = i;
    const lists = items.map((it) => {
      const v = it.ev(c);
      if (Array.isArray(v)) return v;
      // kind=array turns each bag entry into [key, value]; the default (bag) into {key: value}.
      if (isPlainObject(v)) return Object.keys(v).map((k) => (op.bagAsArray ? [k, v[k]] : { [k]: v[k] }));
      return [v];
    });
    const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
    for (let j = 0; j < n; j++) {
      const row = new Array<unknown>(width).fill(null);
      for (let k = 0; k < input.columns.length; k++) row[k] = input.rows[i][k];
      items.forEach((it, x) => {
        const v = lists[x][j];
        row[it.at] = v === undefined ? null : it.type === 'dynamic' ? v : castTo(v, it.type);
      });
      if (indexAt >= 0) row[indexAt] = j;
      rows.push(row);
      ingest?.push(input.ingest?.[i] ?? null);
    }
  }
  return { columns, rows, ingest };
}

/** `to typeof(T)` is a cast, not a conversion: elements of another type become null. */
function castTo(v: unknown, type: ColumnType): unknown {
  switch (type) {
    case 'int':
    case 'long':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'real':
    case 'decimal':
      return typeof v === 'number' ? v : null;
    case 'string':
    case 'guid':
      return typeof v === 'string' ? v : null;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'datetime':
      // Dates inside dynamic values travel as ISO text.
      return toDate(v);
    default:
      return null;
  }
}
