import type { Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { constValue, newCtx, type ColumnRef, type Ctx } from '../compile/context';
import { errorAt } from '../errors';
import { ColumnNamer } from '../compile/naming';
import { toBool } from '../operators/coerce';
import type { Column } from '../types';
import { arrayEntries, scopeOf, type Env, type Rel } from './relation';

/** Operators that keep each row as the same source row, so they can run in one pass. */
const ROW_OPS = new Set(['where', 'extend', 'project', 'project-away', 'project-keep', 'project-reorder', 'project-rename', 'take']);

export type RowOp = Extract<
  Op,
  { k: 'where' | 'extend' | 'project' | 'project-away' | 'project-keep' | 'project-reorder' | 'project-rename' | 'take' }
>;

export function isRowOp(op: Op): op is RowOp {
  return ROW_OPS.has(op.k);
}

export interface SegmentInput {
  columns: Column[];
  /** Stored row objects (byName) or engine row arrays. */
  rows: readonly unknown[];
  byName: boolean;
  ingest: ReadonlyArray<Date | null> | null;
  /** A filter applied before the operators (Log Analytics' timespan). */
  prefilter?: (c: Ctx) => boolean;
}

type Step = (c: Ctx) => boolean;

const readers = new Map<string, (c: Ctx) => unknown>();

/**
 * Reads one property of a stored row object. Each column gets its own function with the name as
 * a literal, so V8 caches the property lookup per column instead of one shared, megamorphic lookup.
 * The name is embedded through JSON.stringify, which always yields a single string literal.
 */
function propertyReader(name: string): (c: Ctx) => unknown {
  let fn = readers.get(name);
  if (!fn) {
    fn = new Function('c', `const v = c.base[${JSON.stringify(name)}]; return v === undefined ? null : v;`) as (c: Ctx) => unknown;
    readers.set(name, fn);
  }
  return fn;
}

function wildcard(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (n) => n === pattern;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return (n) => re.test(n);
}

/**
 * Runs a run of row operators in a single loop: each row is read once, computed columns go to
 * a reused scratch array, and only rows that pass every filter are copied out.
 */
export function runSegment(input: SegmentInput, ops: RowOp[], env: Env): Rel {
  let entries: ColumnRef[] = input.byName
    ? input.columns.map((col) => ({ name: col.name, type: col.type, ev: propertyReader(col.name) }))
    : arrayEntries(input.columns);
  const steps: Step[] = [];
  if (input.prefilter) steps.push(input.prefilter);
  let slot = 0;
  const state = { stop: false };

  const newSlot = (): number => slot++;

  for (const op of ops) {
    const scope = scopeOf(entries, env);
    switch (op.k) {
      case 'where': {
        const p = compileExpr(op.pred, scope);
        if (p.type !== 'bool' && p.type !== 'dynamic') throw errorAt(`where needs a bool condition, not ${p.type}`, op.pos);
        const e = p.ev;
        steps.push(p.type === 'bool' ? (c) => e(c) === true : (c) => toBool(e(c)) === true);
        break;
      }
      case 'extend': {
        const writes: { slot: number; ev: (c: Ctx) => unknown }[] = [];
        let current = entries.slice();
        const namer = new ColumnNamer(new Set());
        for (const item of op.items) {
          const compiled = compileExpr(item.expr, scopeOf(current, env));
          // An unnamed extend of a plain column overwrites it in place; others get fresh names.
          const name = item.name ?? (item.expr.k === 'name' ? item.expr.name : namer.name(undefined, item.expr));
          let ref: ColumnRef;
          const same = current.find((x) => x.ev === compiled.ev);
          if (same) {
            // parse_json of a dynamic column and the like: the value is the column itself, no copy per row.
            ref = { name, type: compiled.type, ev: same.ev };
          } else if (compiled.isConst) {
            ref = { name, type: compiled.type, ev: compiled.ev };
          } else {
            const s = newSlot();
            writes.push({ slot: s, ev: compiled.ev });
            ref = { name, type: compiled.type, ev: (c) => c.ext[s] };
          }
          const at = current.findIndex((x) => x.name === name);
          if (at >= 0) current[at] = ref;
          else current = [...current, ref];
        }
        entries = current;
        if (writes.length === 1) {
          const w = writes[0];
          steps.push((c) => {
            c.ext[w.slot] = w.ev(c);
            return true;
          });
        } else if (writes.length > 1) {
          steps.push((c) => {
            for (const w of writes) c.ext[w.slot] = w.ev(c);
            return true;
          });
        }
        break;
      }
      case 'project': {
        const writes: { slot: number; ev: (c: Ctx) => unknown }[] = [];
        const next: ColumnRef[] = [];
        const namer = new ColumnNamer(new Set());
        for (const item of op.items) {
          if (item.expr.k === 'star') throw errorAt('unsupported wildcard in project', item.pos);
          const compiled = compileExpr(item.expr, scope);
          if (item.name !== undefined && next.some((x) => x.name === item.name))
            throw errorAt(`project names column '${item.name}' twice`, item.pos);
          const name = namer.name(item.name, item.expr);
          if (item.expr.k === 'name' || compiled.isConst) {
            next.push({ name, type: compiled.type, ev: compiled.ev });
            continue;
          }
          const s = newSlot();
          writes.push({ slot: s, ev: compiled.ev });
          next.push({ name, type: compiled.type, ev: (c) => c.ext[s] });
        }
        entries = next;
        if (writes.length > 0) {
          steps.push((c) => {
            for (const w of writes) c.ext[w.slot] = w.ev(c);
            return true;
          });
        }
        break;
      }
      case 'project-away': {
        let kept = entries;
        for (const n of op.names) {
          const match = wildcard(n);
          if (!n.includes('*') && !kept.some((e) => match(e.name))) throw errorAt(`project-away: unknown column '${n}'`, op.pos);
          kept = kept.filter((e) => !match(e.name));
        }
        entries = kept;
        break;
      }
      case 'project-keep':
      case 'project-reorder': {
        const matchers = op.names.map((n) => ({ n, match: wildcard(n) }));
        for (const { n, match } of matchers) {
          if (!n.includes('*') && !entries.some((e) => match(e.name))) throw errorAt(`${op.k}: unknown column '${n}'`, op.pos);
        }
        if (op.k === 'project-keep') {
          entries = entries.filter((e) => matchers.some((m) => m.match(e.name)));
        } else {
          const first: ColumnRef[] = [];
          for (const { match } of matchers) for (const e of entries) if (match(e.name) && !first.includes(e)) first.push(e);
          entries = [...first, ...entries.filter((e) => !first.includes(e))];
        }
        break;
      }
      case 'project-rename': {
        const next = entries.slice();
        for (const { to, from } of op.pairs) {
          const at = next.findIndex((e) => e.name === from);
          if (at < 0) throw errorAt(`project-rename: unknown column '${from}'`, op.pos);
          next[at] = { ...next[at], name: to };
        }
        entries = next;
        break;
      }
      case 'take': {
        const n = takeCount(op, env);
        let taken = 0;
        steps.push(() => {
          if (taken >= n) {
            state.stop = true;
            return false;
          }
          taken++;
          return true;
        });
        break;
      }
    }
  }

  const columns: Column[] = entries.map((e) => ({ name: e.name, type: e.type }));
  const getters = entries.map((e) => e.ev);
  const width = getters.length;
  const out: unknown[][] = [];
  const ingestOut: (Date | null)[] | null = input.ingest ? [] : null;
  const c = newCtx();
  c.ext = new Array<unknown>(slot).fill(null);
  c.ingest = input.ingest;
  const rows = input.rows;
  const n = rows.length;
  // One closure per link keeps every call site monomorphic, unlike a loop over an array of steps.
  let pass: Step = () => true;
  for (let s = steps.length - 1; s >= 0; s--) {
    const step = steps[s];
    const next = pass;
    pass = s === steps.length - 1 ? step : (x) => step(x) && next(x);
  }
  for (let i = 0; i < n; i++) {
    c.base = rows[i];
    c.i = i;
    if (!pass(c)) {
      if (state.stop) break;
      continue;
    }
    const row = new Array<unknown>(width);
    for (let k = 0; k < width; k++) row[k] = getters[k](c);
    out.push(row);
    if (ingestOut) ingestOut.push(input.ingest?.[i] ?? null);
  }
  return { columns, rows: out, ingest: ingestOut };
}

export function takeCount(op: { count: Parameters<typeof compileExpr>[0]; pos: { line: number; column: number } }, env: Env): number {
  const c = compileExpr(op.count, scopeOf([], env));
  const v = c.isConst ? constValue(c) : null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw errorAt('take/limit/top need a non-negative constant number', op.pos);
  return Math.floor(v);
}
