import type { Op } from '../ast';
import { errorAt } from '../errors';
import type { Column } from '../types';
import type { Rel } from '../engine/relation';
import { family } from './coerce';
import { valueKey } from '../values';

type JoinOp = Extract<Op, { k: 'join' }>;

function keyCols(rel: Rel, names: string[], side: string, op: JoinOp): number[] {
  return names.map((n) => {
    const i = rel.columns.findIndex((c) => c.name === n);
    if (i < 0) throw errorAt(`join: the ${side} side has no column '${n}'`, op.pos);
    return i;
  });
}

/** The match key of a row, or null when a key is null (null keys never match; empty strings do). */
function rowKey(row: unknown[], idx: number[], cols: Column[]): string | null {
  let k = '';
  for (const i of idx) {
    let v = row[i];
    if (v === null || v === undefined) {
      if (family(cols[i].type) !== 'string') return null;
      v = '';
    }
    k += valueKey(typeof v === 'number' ? v : v) + '\u0001';
  }
  return k;
}

/** join kind=inner|innerunique|leftouter|leftanti|leftsemi|rightouter|rightanti|rightsemi|fullouter. */
export function joinRels(left: Rel, right: Rel, op: JoinOp): Rel {
  const li = keyCols(
    left,
    op.on.map((o) => o.left),
    'left',
    op,
  );
  const ri = keyCols(
    right,
    op.on.map((o) => o.right),
    'right',
    op,
  );
  li.forEach((l, k) => {
    const a = family(left.columns[l].type);
    const b = family(right.columns[ri[k]].type);
    if (a !== b && a !== 'dynamic' && b !== 'dynamic') {
      throw errorAt(
        `join: cannot match ${left.columns[l].name} (${left.columns[l].type}) with ${right.columns[ri[k]].name} (${right.columns[ri[k]].type})`,
        op.pos,
      );
    }
  });
  let leftRows = left.rows;
  let leftIngest = left.ingest;
  if (op.kind === 'innerunique') {
    // KQL's default: one left row per key, then an inner join.
    const seen = new Set<string>();
    const keep: number[] = [];
    left.rows.forEach((r, i) => {
      const k = rowKey(r, li, left.columns);
      if (k === null || seen.has(k)) return;
      seen.add(k);
      keep.push(i);
    });
    leftRows = keep.map((i) => left.rows[i]);
    leftIngest = left.ingest ? keep.map((i) => left.ingest?.[i] ?? null) : null;
  }
  const index = new Map<string, number[]>();
  right.rows.forEach((r, i) => {
    const k = rowKey(r, ri, right.columns);
    if (k === null) return;
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });

  if (op.kind === 'leftanti' || op.kind === 'leftsemi') {
    const want = op.kind === 'leftsemi';
    const rows: unknown[][] = [];
    const ingest: (Date | null)[] | null = leftIngest ? [] : null;
    leftRows.forEach((r, i) => {
      const k = rowKey(r, li, left.columns);
      const hit = k !== null && index.has(k);
      if (hit === want) {
        rows.push(r);
        ingest?.push(leftIngest?.[i] ?? null);
      }
    });
    return { columns: left.columns, rows, ingest };
  }
  if (op.kind === 'rightanti' || op.kind === 'rightsemi') {
    const want = op.kind === 'rightsemi';
    const leftKeys = new Set<string>();
    for (const r of leftRows) {
      const k = rowKey(r, li, left.columns);
      if (k !== null) leftKeys.add(k);
    }
    const rows: unknown[][] = [];
    const ingest: (Date | null)[] | null = right.ingest ? [] : null;
    right.rows.forEach((r, i) => {
      const k = rowKey(r, ri, right.columns);
      if ((k !== null && leftKeys.has(k)) === want) {
        rows.push(r);
        ingest?.push(right.ingest?.[i] ?? null);
      }
    });
    return { columns: right.columns, rows, ingest };
  }

  // Output: left columns, then right columns; a right name already taken gets a numeric suffix.
  const names = new Set(left.columns.map((c) => c.name));
  const rightCols = right.columns.map((c) => {
    let name = c.name;
    for (let n = 1; names.has(name); n++) name = `${c.name}${n}`;
    names.add(name);
    return { name, type: c.type };
  });
  const columns = [...left.columns, ...rightCols];
  // The missing side of an outer join is null, except strings, which have no null in Kusto: "".
  const nullLeft = left.columns.map((c) => (c.type === 'string' ? '' : null));
  const nullRight = right.columns.map((c) => (c.type === 'string' ? '' : null));
  const rows: unknown[][] = [];
  const matchedRight = new Set<number>();
  const keepLeft = op.kind === 'leftouter' || op.kind === 'fullouter';
  for (const r of leftRows) {
    const k = rowKey(r, li, left.columns);
    const hits = k === null ? undefined : index.get(k);
    if (hits) {
      for (const j of hits) {
        rows.push([...r, ...right.rows[j]]);
        matchedRight.add(j);
      }
    } else if (keepLeft) rows.push([...r, ...nullRight]);
  }
  if (op.kind === 'rightouter' || op.kind === 'fullouter') {
    right.rows.forEach((r, j) => {
      if (!matchedRight.has(j)) rows.push([...nullLeft, ...r]);
    });
  }
  return { columns, rows, ingest: null };
}
