import type { Expr, FunctionDef } from '../ast';
import { errorAt } from '../errors';
import { fold, type ColumnRef, type Compiled, type Scope } from './context';

type CompileExpr = (e: Expr, scope: Scope) => Compiled;

/** Kusto forbids recursion; this bounds a function that calls itself instead of overflowing the stack. */
const MAX_DEPTH = 32;
let depth = 0;

/**
 * A call of a user-defined scalar function, inlined: each parameter is bound to its argument
 * (or default), its own lets are compiled in that scope, then its result expression.
 * Parameters shadow columns of the same name, as in Kusto.
 */
export function compileUserCall(fn: FunctionDef, call: Extract<Expr, { k: 'call' }>, scope: Scope, compileExpr: CompileExpr): Compiled {
  if (fn.body.k !== 'expr') throw errorAt(`'${fn.name}' is a tabular function; call it where a table is expected`, call.pos);
  if (call.args.length > fn.params.length)
    throw errorAt(`${fn.name} takes ${fn.params.length} argument(s), not ${call.args.length}`, call.pos);
  if (depth >= MAX_DEPTH) throw errorAt(`${fn.name}: functions nest deeper than ${MAX_DEPTH} (recursion is not allowed)`, call.pos);
  depth++;
  try {
    const lets = new Map(scope.lets);
    const params = new Map<string, ColumnRef | undefined>();
    fn.params.forEach((p, i) => {
      const arg = call.args[i] ?? p.default;
      if (arg === undefined) throw errorAt(`${fn.name}: missing argument '${p.name}'`, call.pos);
      const c = compileExpr(arg, scope);
      if (c.isConst) {
        lets.set(p.name, fold(c));
        params.set(p.name, undefined);
      } else params.set(p.name, { name: p.name, type: c.type, ev: c.ev });
    });
    const inner: Scope = {
      column: (name) => (params.has(name) ? params.get(name) : scope.column(name)),
      columnNames: () => scope.columnNames(),
      lets,
      now: scope.now,
      functions: scope.functions,
    };
    for (const s of fn.lets) {
      if (s.k !== 'let-scalar') throw errorAt(`only scalar lets are allowed inside scalar function ${fn.name}`, s.pos);
      const c = compileExpr(s.expr, inner);
      lets.set(s.name, c.isConst ? fold(c) : c);
      params.delete(s.name);
    }
    return compileExpr(fn.body.expr, inner);
  } finally {
    depth--;
  }
}
