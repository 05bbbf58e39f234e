/** Returned by plainJsonCopy when a value would change on a JSON round trip. */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * A deep copy of `v` when it is already what JSON.parse(JSON.stringify(v))
 * would give back (strings, finite numbers, booleans, null, plain arrays and
 * objects), else NOT_PLAIN. Cheaper than re-parsing the text just written,
 * and the copy shares nothing with the caller's object, as a parsed one would.
 */
export function plainJsonCopy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // NaN/Infinity become null and -0 becomes 0 on a round trip.
      return Number.isFinite(v) && !Object.is(v, -0) ? v : NOT_PLAIN;
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return NOT_PLAIN;
        const out: unknown[] = [];
        for (let i = 0; i < v.length; i++) {
          const x = plainJsonCopy(v[i]);
          if (x === NOT_PLAIN) return NOT_PLAIN;
          out.push(x);
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(src)) {
        // '__proto__' would set the copy's prototype; 'toJSON' changes what JSON writes.
        if (k === '__proto__' || k === 'toJSON') return NOT_PLAIN;
        const x = plainJsonCopy(src[k]);
        if (x === NOT_PLAIN) return NOT_PLAIN;
        out[k] = x;
      }
      return out;
    }
    default:
      return NOT_PLAIN;
  }
}
