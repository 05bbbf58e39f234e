import type { Op } from '../ast';
import type { Column } from '../types';
import type { Env, Rel } from '../engine/relation';
import { mvExpand } from './mv-expand';

type MvApplyOp = Extract<Op, { k: 'mv-apply' }>;

/** Runs a subquery's operators over a table (the engine's pipeline, passed in to keep the arrows one way). */
export type RunOps = (input: Rel, ops: Op[]) => Rel;

/**
 * mv-apply: each input row's values are expanded (as mv-expand would) into a small table that
 * also carries the row's columns; the subquery runs over that table; its rows come out beside
 * the input row's columns. Columns the subquery keeps or changes take the subquery's values.
 */
export function mvApply(input: Rel, op: MvApplyOp, env: Env, runOps: RunOps): Rel {
  const expandOp = { k: 'mv-expand' as const, items: op.items, limit: op.limit, bagAsArray: false, itemIndex: op.itemIndex, pos: op.pos };
  const outerCount = input.columns.length;
  let subColumns: Column[] | undefined;
  const groups: unknown[][][] = [];
  for (const row of input.rows) {
    const expanded = mvExpand({ columns: input.columns, rows: [row], ingest: null }, expandOp, env);
    const result = runOps(expanded, op.ops);
    subColumns ??= result.columns;
    groups.push(result.rows);
  }
  if (subColumns === undefined) {
    // No input rows: the subquery over nothing still gives the result's columns.
    const empty = mvExpand({ columns: input.columns, rows: [], ingest: null }, expandOp, env);
    subColumns = runOps(empty, op.ops).columns;
  }
  const subIndex = new Map(subColumns.map((c, i) => [c.name, i]));
  const columns: Column[] = input.columns.map((c) => {
    const i = subIndex.get(c.name);
    return i === undefined ? { ...c } : { ...((subColumns as Column[])[i] as Column) };
  });
  const outerNames = new Set(input.columns.map((c) => c.name));
  const added = subColumns.map((c, i) => ({ c, i })).filter(({ c }) => !outerNames.has(c.name));
  for (const { c } of added) columns.push({ ...c });
  const fromSub = input.columns.map((c) => subIndex.get(c.name));
  const rows: unknown[][] = [];
  const ingest: (Date | null)[] | null = input.ingest ? [] : null;
  groups.forEach((subRows, r) => {
    const outer = input.rows[r] as unknown[];
    for (const sub of subRows) {
      const out = new Array<unknown>(columns.length);
      for (let k = 0; k < outerCount; k++) {
        const at = fromSub[k];
        out[k] = at === undefined ? outer[k] : sub[at];
      }
      added.forEach(({ i }, x) => (out[outerCount + x] = sub[i]));
      rows.push(out);
      ingest?.push(input.ingest?.[r] ?? null);
    }
  });
  return { columns, rows, ingest };
}
