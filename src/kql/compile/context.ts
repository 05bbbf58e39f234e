import type { FunctionDef, Pipeline } from '../ast';
import type { Pos } from '../errors';
import type { ColumnType } from '../types';

/**
 * The per-row state every compiled expression reads. One object is reused for all rows of a
 * pass, so evaluating a row allocates nothing of its own.
 */
export interface Ctx {
  /** The row: a stored row object (keyed by name) or an engine row array (by index). */
  base: unknown;
  /** Values computed by extend/project within the current pass. */
  ext: unknown[];
  /** Index of the row in its source, for ingestion_time(). */
  i: number;
  ingest: ReadonlyArray<Date | null> | null;
}

export type Ev = (c: Ctx) => unknown;

export interface Compiled {
  ev: Ev;
  type: ColumnType;
  /** True when the value does not depend on the row (folded once at bind time). */
  isConst: boolean;
}

export interface ColumnRef {
  name: string;
  type: ColumnType;
  ev: Ev;
}

export interface Scope {
  column(name: string): ColumnRef | undefined;
  columnNames(): string[];
  /** Scalar let values, already folded. */
  lets: ReadonlyMap<string, Compiled>;
  now: Date;
  /** User-defined functions (`let f = (...) { ... }`) in scope. */
  functions?: ReadonlyMap<string, FunctionDef>;
  /** Runs a row-independent query (`x in (T | project y)`) and gives its first column. */
  subquery?: (query: Pipeline) => SubqueryColumn;
}

export interface SubqueryColumn {
  type: ColumnType;
  values: unknown[];
}

export function newCtx(): Ctx {
  return { base: null, ext: [], i: 0, ingest: null };
}

const FOLD_CTX = newCtx();

export function constant(value: unknown, type: ColumnType): Compiled {
  const v = value === undefined ? null : value;
  return { ev: () => v, type, isConst: true };
}

/** Evaluates a row-independent expression once and keeps the value. */
export function fold(c: Compiled): Compiled {
  return c.isConst ? constant(c.ev(FOLD_CTX), c.type) : c;
}

export function constValue(c: Compiled): unknown {
  return c.ev(FOLD_CTX);
}

/** Builds a compiled call from argument closures; folds when every argument is constant. */
export function call(args: Compiled[], type: ColumnType, impl: (...vals: unknown[]) => unknown, pure = true): Compiled {
  const isConst = pure && args.every((a) => a.isConst);
  let ev: Ev;
  if (args.length === 0) ev = () => impl();
  else if (args.length === 1) {
    const a = args[0].ev;
    ev = (c) => impl(a(c));
  } else if (args.length === 2) {
    const a = args[0].ev;
    const b = args[1].ev;
    ev = (c) => impl(a(c), b(c));
  } else if (args.length === 3) {
    const a = args[0].ev;
    const b = args[1].ev;
    const d = args[2].ev;
    ev = (c) => impl(a(c), b(c), d(c));
  } else {
    const evs = args.map((x) => x.ev);
    ev = (c) => impl(...evs.map((e) => e(c)));
  }
  return fold({ ev, type, isConst });
}

export type FunctionImpl = (args: Compiled[], pos: Pos, scope: Scope) => Compiled;
