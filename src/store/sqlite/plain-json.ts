/**
 * True when `v` is already what JSON.parse(JSON.stringify(v)) gives back:
 * strings, finite numbers, booleans, null, plain arrays and objects, nested
 * (no Dates, undefined, NaN, -0, toJSON, class instances). Such a value can
 * be handed back as stored without a copy or a parse.
 */
export function isPlainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // NaN/Infinity become null and -0 becomes 0 on a round trip.
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        // A hole reads as undefined here, and so fails: it comes back as null.
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      const src = v as Record<string, unknown>;
      // for-in rather than Object.keys: no array per object. With Object.prototype
      // as the prototype it visits the own enumerable keys, the ones JSON writes.
      for (const k in src) {
        // '__proto__' as an own key does not survive a parse; 'toJSON' changes what JSON writes.
        if (k === '__proto__' || k === 'toJSON' || !isPlainJson(src[k])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
