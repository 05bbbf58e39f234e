/** Reading query result cells, which arrive as Date, parsed JSON or JSON text. */

export function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** A cell as text: Dates as ISO, objects as JSON, null/undefined as ''. */
export function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  // Nested Dates need no replacer: JSON.stringify already writes them through Date.prototype.toJSON.
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A dynamic cell as a value: JSON text is parsed, anything else returned as is. */
export function dynamicValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

export function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Marks a value rawRow cannot copy by hand; the row then takes the JSON round trip. */
const UNUSUAL: unique symbol = Symbol('unusual cell');
/** Marks a value JSON leaves out (undefined, functions, symbols). */
const OMITTED: unique symbol = Symbol('omitted cell');

/** A cell as JSON.parse(JSON.stringify(cell)) would give it back, for the common shapes. */
function jsonCopy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return OMITTED;
    case 'object': {
      if (v === null) return null;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Date.prototype) return Number.isNaN((v as Date).getTime()) ? null : (v as Date).toISOString();
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) return UNUSUAL;
        const out: unknown[] = [];
        for (let i = 0; i < v.length; i++) {
          const x = jsonCopy(v[i]);
          if (x === UNUSUAL) return UNUSUAL;
          out.push(x === OMITTED ? null : x);
        }
        return out;
      }
      if (proto !== Object.prototype && proto !== null) return UNUSUAL;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(src)) {
        // '__proto__' would set the copy's prototype; 'toJSON' changes what JSON writes.
        if (k === '__proto__' || k === 'toJSON') return UNUSUAL;
        const x = jsonCopy(src[k]);
        if (x === UNUSUAL) return UNUSUAL;
        if (x !== OMITTED) out[k] = x;
      }
      return out;
    }
    default:
      return UNUSUAL;
  }
}

/** The row with Dates as ISO strings (nested too), safe to store as JSON: what a JSON round trip gives. */
export function rawRow(row: Record<string, unknown>): Record<string, unknown> {
  const copy = jsonCopy(row);
  // Class instances, BigInts and the like keep JSON's own rules (toJSON, errors).
  if (copy === UNUSUAL || copy === OMITTED) return JSON.parse(cellText(row)) as Record<string, unknown>;
  return copy as Record<string, unknown>;
}

/** True for boolean true and the strings "True"/"true" (UEBA writes both). */
export function isTrueish(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}
