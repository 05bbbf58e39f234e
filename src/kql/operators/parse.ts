import type { Op } from '../ast';
import { kustoRegex } from '../functions/regex';
import { compileExpr } from '../compile/scalar';
import { newCtx } from '../compile/context';
import { errorAt } from '../errors';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import type { Column, ColumnType } from '../types';
import { asText, convertTo } from './coerce';

type ParseOp = Extract<Op, { k: 'parse' }>;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** What a typed column may match; other types take text up to the next constant and convert it. */
function capture(type: ColumnType): string {
  switch (type) {
    case 'int':
    case 'long':
      return '(-?\\d+)';
    case 'real':
    case 'decimal':
      return '(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)';
    case 'bool':
      return '(true|false|TRUE|FALSE|True|False)';
    default:
      return '(.*?)';
  }
}

/**
 * parse kind=simple|relaxed: the pattern becomes one regex anchored at the start of the text;
 * `*` and string columns match as little as they can, and a column that ends the pattern takes the
 * rest. simple: a row whose text does not match, or a value that does not convert, gets nulls in
 * every parsed column; relaxed: only the value that does not convert is null.
 */
export function parseRel(input: Rel, op: ParseOp, env: Env): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const source = compileExpr(op.expr, scope).ev;
  let re = '^';
  const cols: { name: string; type: ColumnType }[] = [];
  op.pattern.forEach((p, i) => {
    const last = i === op.pattern.length - 1;
    if (p.k === 'star') re += last || op.kind === 'regex' ? '.*' : '.*?';
    // kind=regex: the pattern's string constants are regular expressions (RE2 spellings translated).
    else if (p.k === 'text') re += op.kind === 'regex' ? kustoRegex(p.text, op.pos).source : escapeRegex(p.text);
    else {
      if (p.type === 'dynamic' || p.type === 'guid') throw errorAt(`parse: unsupported column type ${p.type}`, p.pos);
      // relaxed: any text is captured and a value that does not convert becomes null.
      // kind=regex matches greedily, as RE2 does without the U flag: a string column takes all it can.
      const cap = op.kind === 'relaxed' ? '(.*?)' : op.kind === 'regex' && capture(p.type) === '(.*?)' ? '(.*)' : capture(p.type);
      re += last && cap === '(.*?)' ? '(.*)' : cap;
      if (last) re += '$';
      cols.push({ name: p.name, type: p.type });
    }
  });
  const regex = new RegExp(re, 's');
  const columns: Column[] = input.columns.map((c) => ({ ...c }));
  const at = cols.map((c) => {
    const i = columns.findIndex((x) => x.name === c.name);
    if (i >= 0) {
      columns[i] = { name: c.name, type: c.type };
      return i;
    }
    columns.push({ name: c.name, type: c.type });
    return columns.length - 1;
  });
  const empty = (t: ColumnType): unknown => (t === 'string' ? '' : null);
  const c = newCtx();
  const rows = input.rows.map((row, i) => {
    c.base = row;
    c.i = i;
    const out = row.slice();
    out.length = columns.length;
    const m = regex.exec(asText(source(c)));
    const values = cols.map((col, k) => {
      if (!m) return empty(col.type);
      const text = m[k + 1] ?? '';
      const v = col.type === 'string' ? text : convertTo(text, col.type);
      return v === null || v === undefined ? undefined : v;
    });
    const failed = values.some((v) => v === undefined);
    cols.forEach((col, k) => {
      const v = values[k];
      out[at[k]] = v === undefined || (failed && op.kind === 'simple') ? empty(col.type) : v;
    });
    return out;
  });
  return { columns, rows, ingest: input.ingest };
}
