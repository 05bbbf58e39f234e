/** Deeper values take the JSON round trip (log data nests a few levels, not hundreds). */
const MAX_DEPTH = 100;

/**
 * True when `v` is already what JSON.parse(JSON.stringify(v)) gives back:
 * strings, finite numbers, booleans, null, plain arrays and objects, nested
 * (no Dates, undefined, NaN, -0, toJSON, class instances). Such a value can
 * be handed back as stored without a copy or a parse.
 *
 * False past MAX_DEPTH levels, so a value that refers to itself is left to
 * JSON.stringify, which says so, rather than overflowing the stack here.
 */
export function isPlainJson(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // NaN/Infinity become null and -0 becomes 0 on a round trip.
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        // A hole reads as undefined here, and so fails: it comes back as null.
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      const src = v as Record<string, unknown>;
      // for-in rather than Object.keys: no array per object. With Object.prototype
      // as the prototype it visits the own enumerable keys, the ones JSON writes.
      for (const k in src) {
        // '__proto__' as an own key does not survive a parse; 'toJSON' changes what JSON writes.
        if (k === '__proto__' || k === 'toJSON' || !isPlainJson(src[k], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
