import type { Assignment } from '../ast';
import { compileExpr } from '../compile/scalar';
import { newCtx } from '../compile/context';
import type { Pos } from '../errors';
import { ColumnNamer } from '../compile/naming';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import { valueKey } from '../values';

export function distinct(input: Rel, items: Assignment[] | '*', env: Env, _pos: Pos): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const namer = new ColumnNamer(new Set());
  const cols =
    items === '*'
      ? input.columns.map((col, i) => ({ name: col.name, type: col.type, ev: (c: { base: unknown }) => (c.base as unknown[])[i] }))
      : items.map((it) => {
          const comp = compileExpr(it.expr, scope);
          const name = namer.name(it.name, it.expr);
          return { name, type: comp.type, ev: comp.ev };
        });
  const seen = new Set<string>();
  const out: unknown[][] = [];
  const c = newCtx();
  for (let i = 0; i < input.rows.length; i++) {
    c.base = input.rows[i];
    c.i = i;
    // Strings have no null in Kusto: a missing string is "" and is the same value as "".
    const row = cols.map((x) => (x.type === 'string' ? (x.ev(c) ?? '') : x.ev(c)));
    const k = row.map(valueKey).join('\u0001');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(row);
  }
  return { columns: cols.map((x) => ({ name: x.name, type: x.type })), rows: out, ingest: null };
}
