import { fold, type Compiled } from '../compile/context';
import { asText, family } from './coerce';

/**
 * `ResultType == 0` where ResultType is a string: Kusto accepts == and != between a string and a
 * number (its analyzer reports no error) and compares the number's text with the string, so
 * "0" == 0 is true and "failure" == 1 is false. Ordering (<, >) between them stays an error.
 * Returns the two operands as strings when this rule applies, else undefined.
 */
export function stringNumberOperands(op: string, l: Compiled, r: Compiled): [Compiled, Compiled] | undefined {
  if (op !== '==' && op !== '!=') return undefined;
  const fl = family(l.type);
  const fr = family(r.type);
  if (fl === 'string' && fr === 'number') return [l, asString(r)];
  if (fl === 'number' && fr === 'string') return [asString(l), r];
  return undefined;
}

function asString(c: Compiled): Compiled {
  const ev = c.ev;
  return fold({
    ev: (ctx) => {
      const v = ev(ctx);
      return v === null ? null : asText(v);
    },
    type: 'string',
    isConst: c.isConst,
  });
}
