import type { Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { constValue } from '../compile/context';
import { errorAt } from '../errors';
import { scopeOf, type Env, type Rel } from '../engine/relation';
import type { Column, ColumnType } from '../types';
import { isPlainObject } from '../values';
import { asText, convertTo } from './coerce';

type BagUnpackOp = Extract<Op, { k: 'bag-unpack' }>;
type Conflict = 'error' | 'replace_source' | 'keep_source';

/** A constant argument of the plugin, or undefined when it is not given. */
function constantArg(op: BagUnpackOp, i: number, env: Env): unknown {
  const e = op.args[i];
  if (e === undefined) return undefined;
  const c = compileExpr(e, scopeOf([], env));
  if (!c.isConst) throw errorAt(`bag_unpack: argument ${i + 2} must be a constant`, e.pos);
  return constValue(c);
}

function typeOfValue(v: unknown): ColumnType {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  return 'dynamic';
}

/**
 * `evaluate bag_unpack(d)` (bag-unpack-plugin.md): the bag column gives way to one column per
 * property found in any row, ordered by name; a property whose values all share a type takes it,
 * others are dynamic; a row without the property holds null there. With an output schema the
 * columns are the schema's (after the input's own, for `*`), their values converted to its types.
 */
export function bagUnpack(input: Rel, op: BagUnpackOp, env: Env): Rel {
  const at = input.columns.findIndex((c) => c.name === op.column);
  if (at < 0) throw errorAt(`bag_unpack: unknown column '${op.column}'`, op.pos);
  if (input.columns[at]?.type !== 'dynamic') throw errorAt(`bag_unpack needs a dynamic column, not ${input.columns[at]?.type}`, op.pos);
  if (op.args.length > 3) throw errorAt('bag_unpack takes a column and up to 3 more arguments', op.pos);
  const prefix = asText(constantArg(op, 0, env) ?? '');
  const conflict = asText(constantArg(op, 1, env) ?? 'error');
  if (!['error', 'replace_source', 'keep_source'].includes(conflict))
    throw errorAt(`bag_unpack: columnsConflict is 'error', 'replace_source' or 'keep_source', not '${conflict}'`, op.pos);
  const ignoredArg = constantArg(op, 2, env);
  if (ignoredArg !== undefined && ignoredArg !== null && !Array.isArray(ignoredArg))
    throw errorAt('bag_unpack: ignoredProperties must be a dynamic array of names', op.pos);
  const ignored = new Set((ignoredArg ?? []).map(asText));

  // Properties found, with the one type their non-null values share (or dynamic).
  const found = new Map<string, ColumnType | undefined>();
  for (const row of input.rows) {
    const bag = row[at];
    if (!isPlainObject(bag)) continue;
    for (const [k, v] of Object.entries(bag)) {
      if (ignored.has(k)) continue;
      const was = found.get(k);
      if (v === null) {
        if (!found.has(k)) found.set(k, undefined);
        continue;
      }
      const t = typeOfValue(v);
      found.set(k, was === undefined ? t : was === t ? t : 'dynamic');
    }
  }
  const properties = [...found.keys()].sort().map((key) => ({ key, name: prefix + key, type: found.get(key) ?? 'dynamic' }));

  const kept = input.columns.map((c, i) => ({ c, i })).filter(({ i }) => i !== at);
  const columns: Column[] = [];
  const sources: ((row: unknown[]) => unknown)[] = [];
  const bagOf = (row: unknown[]): Record<string, unknown> | undefined => {
    const b = row[at];
    return isPlainObject(b) ? b : undefined;
  };
  const read = (key: string, type: ColumnType) => (row: unknown[]) => {
    const b = bagOf(row);
    const v = b !== undefined && Object.prototype.hasOwnProperty.call(b, key) ? (b[key] ?? null) : null;
    if (type === 'string') return v === null ? '' : asText(v); // a string column has no null
    return type === 'dynamic' ? v : convertTo(v, type);
  };

  if (op.schema !== undefined) {
    if (op.schema.star)
      for (const { c, i } of kept) {
        columns.push({ ...c });
        sources.push((row) => row[i]);
      }
    for (const s of op.schema.columns) {
      if (columns.some((c) => c.name === s.name)) throw errorAt(`bag_unpack: the output schema names '${s.name}' twice`, op.pos);
      columns.push({ ...s });
      const key = s.name.startsWith(prefix) ? s.name.slice(prefix.length) : s.name;
      sources.push(read(key, s.type));
    }
    return { columns, rows: input.rows.map((row) => sources.map((f) => f(row))), ingest: input.ingest };
  }

  for (const { c, i } of kept) {
    columns.push({ ...c });
    sources.push((row) => row[i]);
  }
  for (const p of properties) {
    const existing = columns.findIndex((c) => c.name === p.name);
    if (existing >= 0) {
      if ((conflict as Conflict) === 'error')
        throw errorAt(
          `bag_unpack: property '${p.key}' would become column '${p.name}', which the input has (columnsConflict='error')`,
          op.pos,
        );
      if ((conflict as Conflict) === 'keep_source') continue;
      columns[existing] = { name: p.name, type: p.type };
      sources[existing] = read(p.key, p.type);
    } else {
      columns.push({ name: p.name, type: p.type });
      sources.push(read(p.key, p.type));
    }
  }
  return { columns, rows: input.rows.map((row) => sources.map((f) => f(row))), ingest: input.ingest };
}
