import type { Op } from '../ast';
import type { Rel } from '../engine/relation';
import { joinRels } from './join';

type LookupOp = Extract<Op, { k: 'lookup' }>;

/**
 * lookup: a leftouter (default) or inner join whose output does not repeat the right side's
 * key columns (lookup-operator.md). Every left row is kept as is; duplicates are not removed.
 */
export function lookupRels(left: Rel, right: Rel, op: LookupOp): Rel {
  const joined = joinRels(left, right, { k: 'join', kind: op.kind, right: op.right, on: op.on, pos: op.pos });
  const rightKeys = new Set(op.on.map((o) => right.columns.findIndex((c) => c.name === o.right)));
  const keep: number[] = [];
  joined.columns.forEach((_, i) => {
    if (i < left.columns.length || !rightKeys.has(i - left.columns.length)) keep.push(i);
  });
  return {
    columns: keep.map((i) => joined.columns[i]),
    rows: joined.rows.map((r) => keep.map((i) => r[i])),
    ingest: null,
  };
}
