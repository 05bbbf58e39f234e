import { call, type FunctionImpl } from '../compile/context';
import { errorAt } from '../errors';
import { valueKey } from '../values';
import { arity } from './args';

/** set_union / set_intersect / set_difference of dynamic arrays: distinct values, first array's order first. */
function setFunction(name: string, combine: (first: unknown[], rest: unknown[][]) => unknown[]): FunctionImpl {
  return (args, pos) => {
    arity(name, args, pos, 2, 64);
    for (const a of args) if (a.type !== 'dynamic') throw errorAt(`${name}() takes dynamic arrays, not ${a.type}`, pos);
    return call(args, 'dynamic', (...vals: unknown[]) => {
      if (!vals.every(Array.isArray)) return null;
      const [first, ...rest] = vals as unknown[][];
      return combine(first as unknown[], rest);
    });
  };
}

function distinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = valueKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const keys = (xs: unknown[]): Set<string> => new Set(xs.map(valueKey));

export const SET_FUNCTIONS: Record<string, FunctionImpl> = {
  set_union: setFunction('set_union', (first, rest) => distinct([first, ...rest].flat())),
  set_intersect: setFunction('set_intersect', (first, rest) => distinct(first).filter((v) => rest.every((r) => keys(r).has(valueKey(v))))),
  set_difference: setFunction('set_difference', (first, rest) => {
    const drop = keys(rest.flat());
    return distinct(first).filter((v) => !drop.has(valueKey(v)));
  }),
  /** array_index_of(array, value[, start[, length[, occurrence]]]): the index of the value, -1 when absent. */
  array_index_of: (args, pos) => {
    arity('array_index_of', args, pos, 2, 5);
    if (args[0]?.type !== 'dynamic') throw errorAt('array_index_of() takes a dynamic array first', pos);
    return call(args, 'dynamic', (arr, value, start, length, occurrence) => {
      if (!Array.isArray(arr) || value === null) return null;
      const n = arr.length;
      let from = typeof start === 'number' ? Math.trunc(start) : 0;
      if (from < 0) from = Math.max(0, n + from);
      const to = typeof length === 'number' && length >= 0 ? Math.min(n, from + Math.trunc(length)) : n;
      let left = typeof occurrence === 'number' && occurrence > 0 ? Math.trunc(occurrence) : 1;
      const want = valueKey(value);
      for (let i = from; i < to; i++) if (valueKey(arr[i]) === want && --left === 0) return i;
      return -1;
    });
  },
};
