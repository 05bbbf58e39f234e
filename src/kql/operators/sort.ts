import type { SortKey } from '../ast';
import { compileExpr } from '../compile/scalar';
import { newCtx } from '../compile/context';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import { orderValues } from './compare';

/** order by / sort by / top: a stable sort with KQL's null placement. */
export function sortRel(input: Rel, keys: SortKey[], env: Env, limit?: number): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const compiled = keys.map((k) => ({ ...k, ev: compileExpr(k.expr, scope).ev }));
  const c = newCtx();
  const n = input.rows.length;
  // Evaluate each key once per row, then sort row indices.
  const values = compiled.map((k) => {
    const col = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      c.base = input.rows[i];
      c.i = i;
      const v = k.ev(c);
      col[i] = v === undefined ? null : v;
    }
    return col;
  });
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let k = 0; k < compiled.length; k++) {
      const x = values[k][a];
      const y = values[k][b];
      if (x === y) continue;
      const xn = x === null;
      const yn = y === null;
      if (xn || yn) {
        if (xn && yn) continue;
        const nullFirst = compiled[k].nullsFirst;
        return xn === nullFirst ? -1 : 1;
      }
      const r = orderValues(x, y);
      if (r !== 0) return compiled[k].desc ? -r : r;
    }
    return a - b;
  });
  const picked = limit === undefined ? idx : idx.slice(0, limit);
  return {
    columns: input.columns,
    rows: picked.map((i) => input.rows[i]),
    ingest: input.ingest ? picked.map((i) => input.ingest?.[i] ?? null) : null,
  };
}
