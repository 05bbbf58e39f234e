import { call, constValue, type FunctionImpl } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { asText, convertTo, toNumber } from '../operators/coerce';
import type { ColumnType } from '../types';
import { isPlainObject, toJsonValue } from '../values';
import { arity, typeArg } from './args';

type PathStep = string | number;

/**
 * The JSONPath subset Kusto documents for extract_json (jsonpath.md): `$`, then `.name`,
 * `['name']` and `[n]` steps. Wildcards, filters and recursive descent are refused.
 */
function parseJsonPath(path: string, pos: Pos): PathStep[] {
  if (!path.startsWith('$')) throw errorAt(`JSONPath '${path}' must start with $`, pos);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    const dot = /^\.([^.[\]*]+)/.exec(rest);
    const quoted = /^\[\s*(['"])((?:(?!\1).)*)\1\s*\]/.exec(rest);
    const index = /^\[\s*(\d+)\s*\]/.exec(rest);
    if (dot) steps.push(dot[1] as string);
    else if (quoted) steps.push(quoted[2] as string);
    else if (index) steps.push(Number(index[1]));
    else throw errorAt(`unsupported JSONPath '${path}' (only $, .name, ['name'] and [n] steps)`, pos);
    i += (dot ?? quoted ?? index)?.[0].length ?? rest.length;
  }
  return steps;
}

function walk(root: unknown, steps: PathStep[]): unknown {
  let v = root;
  for (const s of steps) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else v = isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, s) ? v[s] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

function jsonOf(v: unknown): unknown {
  if (typeof v !== 'string') return toJsonValue(v);
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** extract_json(path, json[, typeof(T)]): a string unless a type is named; "" or null when the path finds nothing. */
const extractJson =
  (name: string): FunctionImpl =>
  (args, pos) => {
    arity(name, args, pos, 2, 3);
    if (!args[0].isConst) throw errorAt(`${name}() needs a constant JSONPath`, pos);
    const steps = parseJsonPath(asText(constValue(args[0])), pos);
    const type: ColumnType = typeArg(name, args, pos, 2) ?? 'string';
    return call([args[1]], type, (src) => {
      const found = walk(jsonOf(src), steps);
      if (type === 'string') return found === undefined || found === null ? '' : asText(found);
      if (type === 'dynamic') return found ?? null;
      return convertTo(found ?? null, type);
    });
  };

/** array_slice(arr, start, end): both ends inclusive, negative ones counted from the end; null for a non-array. */
function arraySlice(arr: unknown, start: unknown, end: unknown): unknown {
  if (!Array.isArray(arr)) return null;
  let s = toNumber(start);
  let e = toNumber(end);
  if (s === null || e === null) return null;
  const n = arr.length;
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = Math.max(0, Math.trunc(s));
  e = Math.min(n - 1, Math.trunc(e));
  return s > e ? [] : arr.slice(s, e + 1);
}

export const DYNAMIC_FUNCTIONS: Record<string, FunctionImpl> = {
  extract_json: extractJson('extract_json'),
  extractjson: extractJson('extractjson'),
  array_slice: (args, pos) => (arity('array_slice', args, pos, 3), call(args, 'dynamic', arraySlice)),
};
