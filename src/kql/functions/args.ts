import { constValue, type Compiled } from '../compile/context';
import type { ColumnType } from '../types';
import { errorAt, type Pos } from '../errors';
import { family } from '../operators/coerce';

/** Fails unless the call has between min and max arguments. */
export function arity(name: string, args: Compiled[], pos: Pos, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw errorAt(`${name}() takes ${want} argument${min === 1 && max === 1 ? '' : 's'}, got ${args.length}`, pos);
  }
}

export function need(name: string, a: Compiled, pos: Pos, ...families: ReturnType<typeof family>[]): void {
  if (!families.includes(family(a.type))) throw errorAt(`${name}() does not accept a ${a.type} argument`, pos);
}

/** A `typeof(T)` argument, passed to the few functions that take one as a constant of this class. */
export class TypeArg {
  constructor(readonly type: ColumnType) {}
}

/** The functions that take a `typeof(T)` argument (as their last). */
export const TYPE_ARG_FUNCTIONS = new Set(['extract', 'extract_json', 'extractjson']);

/** The type a trailing `typeof(T)` argument names, or undefined when there is none. */
export function typeArg(name: string, args: Compiled[], pos: Pos, at: number): ColumnType | undefined {
  const a = args[at];
  if (a === undefined) return undefined;
  const v = a.isConst ? constValue(a) : undefined;
  if (!(v instanceof TypeArg)) throw errorAt(`${name}() takes typeof(T) as argument ${at + 1}`, pos);
  return v.type;
}
