import type { Compiled } from '../compile/context';
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
