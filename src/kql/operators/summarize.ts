import type { Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { newCtx, type Compiled } from '../compile/context';
import { errorAt } from '../errors';
import { compileAggregate, type AggPlan, type AggState } from '../functions/aggregates';
import { ColumnNamer } from '../compile/naming';
import type { Column } from '../types';
import { valueKey } from '../values';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';

type SummarizeOp = Extract<Op, { k: 'summarize' }>;

export function summarize(input: Rel, op: SummarizeOp, env: Env): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const namer = new ColumnNamer(new Set());
  const keys: { name: string; c: Compiled }[] = op.by.map((b) => ({ name: namer.name(b.name, b.expr), c: compileExpr(b.expr, scope) }));
  // `*` in arg_max/take_any leaves out only the columns grouped by as they are: `by t = bin(t, 1h)` keeps t (as t1).
  const byNames = new Set(op.by.flatMap((b) => (b.expr.k === 'name' ? [b.expr.name] : [])));
  const plans: { plan: AggPlan; name?: string }[] = op.aggs.map((a) => ({ plan: compileAggregate(a.expr, scope, byNames), name: a.name }));

  const columns: Column[] = keys.map((k) => ({ name: k.name, type: k.c.type }));
  for (const { plan, name } of plans) {
    plan.columns.forEach((col, i) => {
      const n = plan.columns.length === 1 && name ? name : i === 0 && name ? name : col.name;
      columns.push({ name: n, type: col.type });
    });
  }
  // Duplicate output names get a numeric suffix, as KQL does.
  const seen = new Map<string, number>();
  for (const col of columns) {
    const count = seen.get(col.name) ?? 0;
    seen.set(col.name, count + 1);
    if (count > 0) col.name = `${col.name}${count}`;
  }
  if (columns.some((c) => c.name === '')) throw errorAt('summarize: name this aggregate (name = ...)', op.pos);

  const groups = new Map<string, { key: unknown[]; states: AggState[] }>();
  const c = newCtx();
  // A string key has no null in Kusto: a missing string groups with "" and prints as "".
  const keyEvs = keys.map((k) => {
    const ev = k.c.ev;
    return k.c.type === 'string' ? (x: Parameters<typeof ev>[0]) => ev(x) ?? '' : ev;
  });
  const rows = input.rows;
  for (let i = 0; i < rows.length; i++) {
    c.base = rows[i];
    c.i = i;
    const kv = keyEvs.map((e) => e(c));
    const k = kv.length === 1 ? valueKey(kv[0]) : kv.map(valueKey).join('\u0001');
    let g = groups.get(k);
    if (!g) {
      g = { key: kv, states: plans.map((p) => p.plan.create()) };
      groups.set(k, g);
    }
    for (const s of g.states) s.add(c);
  }
  if (keys.length === 0 && groups.size === 0) {
    groups.set('', { key: [], states: plans.map((p) => p.plan.create()) });
  }
  const out: unknown[][] = [];
  for (const g of groups.values()) {
    const row = [...g.key];
    for (const s of g.states) row.push(...s.result());
    out.push(row);
  }
  return { columns, rows: out, ingest: null };
}
