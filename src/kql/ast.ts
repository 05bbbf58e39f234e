import type { Pos } from './errors';
import type { ColumnType } from './types';

/** The function name the parser gives output i of `(a, b, c) = f(...)`: a name no query can spell. */
export const TUPLE_ITEM = '$tuple-item';

export type Expr =
  | { k: 'lit'; value: unknown; type: ColumnType | 'null'; pos: Pos }
  | { k: 'name'; name: string; pos: Pos }
  | { k: 'side'; side: 'left' | 'right'; name: string; pos: Pos }
  | { k: 'member'; obj: Expr; name: string; pos: Pos }
  | { k: 'index'; obj: Expr; index: Expr; pos: Pos }
  | { k: 'call'; name: string; args: Expr[]; pos: Pos }
  | { k: 'star'; pos: Pos }
  | { k: 'binary'; op: string; left: Expr; right: Expr; pos: Pos }
  /** `x in (a, b)`, or `x in (T | project y)`: then `sub` holds the query whose first column is the list. */
  | { k: 'in'; op: string; left: Expr; list: Expr[]; sub?: Pipeline; pos: Pos }
  | { k: 'between'; negated: boolean; left: Expr; lo: Expr; hi: Expr; pos: Pos }
  | { k: 'neg'; operand: Expr; pos: Pos }
  /** `typeof(long)`: a type as an argument, as extract() and extract_json() take one. */
  | { k: 'typeof'; type: ColumnType; pos: Pos }
  /** `toscalar(T | summarize ...)`: the first value of the query's first column. */
  | { k: 'toscalar'; query: Pipeline; pos: Pos };

/** `name = expr` or a bare expression, as in extend, project and summarize. */
export interface Assignment {
  name?: string;
  expr: Expr;
  pos: Pos;
}

export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
}

export type Source =
  | { k: 'table'; name: string; pos: Pos }
  | { k: 'datatable'; columns: { name: string; type: ColumnType }[]; values: Expr[]; pos: Pos }
  | { k: 'union'; isfuzzy: boolean; withsource?: string; sources: Pipeline[]; pos: Pos }
  | { k: 'sub'; query: Pipeline; pos: Pos }
  /** `table("name")`: a table (or tabular let) named by a constant string expression. */
  | { k: 'table-expr'; expr: Expr; pos: Pos }
  /** A call of a user-defined tabular function: `f("SigninLogs")`. */
  | { k: 'call'; name: string; args: Expr[]; pos: Pos }
  | { k: 'print'; items: Assignment[]; pos: Pos }
  | { k: 'range'; name: string; from: Expr; to: Expr; step: Expr; pos: Pos };

export type Op =
  | { k: 'where'; pred: Expr; pos: Pos }
  | { k: 'extend'; items: Assignment[]; pos: Pos }
  | { k: 'project'; items: Assignment[]; pos: Pos }
  | { k: 'project-away'; names: string[]; pos: Pos }
  | { k: 'project-keep'; names: string[]; pos: Pos }
  | { k: 'project-reorder'; names: string[]; pos: Pos }
  | { k: 'project-rename'; pairs: { to: string; from: string }[]; pos: Pos }
  | { k: 'summarize'; aggs: Assignment[]; by: Assignment[]; pos: Pos }
  | { k: 'sort'; keys: SortKey[]; pos: Pos }
  | { k: 'top'; count: Expr; keys: SortKey[]; pos: Pos }
  | { k: 'take'; count: Expr; pos: Pos }
  | { k: 'distinct'; items: Assignment[] | '*'; pos: Pos }
  | { k: 'count'; pos: Pos }
  /** `as T`: binds the rows so far to a name the rest of the query can read. */
  | { k: 'as'; name: string; pos: Pos }
  /** `evaluate bag_unpack(Column [, Prefix [, ColumnsConflict [, IgnoredProperties]]])`: one column per property. */
  | {
      k: 'bag-unpack';
      column: string;
      args: Expr[];
      /** `: (*, Name:string, ...)`: the output columns asked for; `star` keeps the input's own. */
      schema?: { star: boolean; columns: { name: string; type: ColumnType }[] };
      pos: Pos;
    }
  | {
      k: 'join';
      kind: 'inner' | 'leftouter' | 'leftanti' | 'innerunique' | 'leftsemi' | 'rightanti' | 'rightsemi' | 'rightouter' | 'fullouter';
      right: Pipeline;
      on: { left: string; right: string }[];
      pos: Pos;
    }
  | { k: 'lookup'; kind: 'leftouter' | 'inner'; right: Pipeline; on: { left: string; right: string }[]; pos: Pos }
  | { k: 'parse'; kind: 'simple' | 'relaxed' | 'regex'; expr: Expr; pattern: ParsePart[]; pos: Pos }
  | {
      k: 'mv-expand';
      items: { name?: string; expr: Expr; type?: ColumnType; pos: Pos }[];
      limit?: Expr;
      bagAsArray: boolean;
      itemIndex?: string;
      pos: Pos;
    }
  | { k: 'union'; isfuzzy: boolean; sources: Pipeline[]; pos: Pos }
  | {
      k: 'make-series';
      aggs: { agg: Assignment; default?: Expr }[];
      axis: Expr;
      from?: Expr;
      to?: Expr;
      step: Expr;
      by: Assignment[];
      pos: Pos;
    }
  /** mv-apply items on (subquery): the subquery runs over each row's expanded values. */
  | {
      k: 'mv-apply';
      items: { name?: string; expr: Expr; type?: ColumnType; pos: Pos }[];
      limit?: Expr;
      itemIndex?: string;
      ops: Op[];
      pos: Pos;
    };

/** One element of a parse pattern: `*`, a string constant, or `name[:type]`. */
export type ParsePart = { k: 'star' } | { k: 'text'; text: string } | { k: 'column'; name: string; type: ColumnType; pos: Pos };

export interface Pipeline {
  source: Source;
  ops: Op[];
  pos: Pos;
}

/** One parameter of a user-defined function: `name:type [= default]`. */
export interface FunctionParam {
  name: string;
  type: ColumnType;
  default?: Expr;
  pos: Pos;
}

/** `let f = (params) { lets; result };` — tabular when its result is a query, scalar when an expression. */
export interface FunctionDef {
  name: string;
  params: FunctionParam[];
  lets: Statement[];
  body: { k: 'query'; query: Pipeline } | { k: 'expr'; expr: Expr };
  pos: Pos;
}

export type Statement =
  | { k: 'let-function'; fn: FunctionDef; pos: Pos }
  | { k: 'let-scalar'; name: string; expr: Expr; pos: Pos }
  | { k: 'let-tabular'; name: string; query: Pipeline; pos: Pos }
  /** `let x = y;` where y may name a table or a scalar: resolved when the query runs. */
  | { k: 'let-alias'; name: string; target: string; pos: Pos };

export interface Script {
  lets: Statement[];
  query: Pipeline;
}
