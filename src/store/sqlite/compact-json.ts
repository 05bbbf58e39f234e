/**
 * The compact form of an alert body's JSON values (body_format 1, migration 0010).
 *
 * Two alerts of one rule repeat the same object keys (the query's columns, the
 * entity and detail labels) and the same rule texts. Stored in full, an alert
 * took 1.9 KB, so two filled a 4 KB page; most of a poll's write was copying
 * those pages. Here a repeated part is written once, in body_parts, and named
 * by its id:
 *
 *   string, number, boolean, null   itself
 *   [0, item, …]                    an array
 *   [k, value, …]  (k > 0)          an object whose keys, in order, are part k's JSON array
 *   [-k]           (k > 0)          the JSON value part k holds
 *   { … }                           an object whose shape was not made a part (values compact)
 *
 * Only plain JSON goes in (what JSON.parse gives back), so decode(encode(v)) is
 * v exactly, key order included. Below MAX_DEPTH levels a value is kept as it
 * is, so deep data from a log costs no deep recursion here.
 */

/** The part id of an object shape (its keys, in order), or undefined to keep the object inline. */
export type ShapeId = (keys: string[]) => number | undefined;
/** Reads parts back: a whole value's text, or a shape's keys. */
export interface PartReader {
  text(id: number): string;
  keys(id: number): string[];
}

/** Objects with more keys than this stay inline: such a shape is unlikely to repeat. */
const MAX_SHAPE_KEYS = 64;
/** Levels encoded; what lies deeper is plain JSON as it came. */
const MAX_DEPTH = 32;

export function encodeCompact(value: unknown, shapeId: ShapeId, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [0];
    for (const item of value) out.push(encodeCompact(item, shapeId, depth + 1));
    return out;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const id = keys.length > 0 && keys.length <= MAX_SHAPE_KEYS ? shapeId(keys) : undefined;
  if (id === undefined) {
    const out: Record<string, unknown> = {};
    for (const k of keys) setOwn(out, k, encodeCompact(obj[k], shapeId, depth + 1));
    return out;
  }
  const out: unknown[] = [id];
  for (const k of keys) out.push(encodeCompact(obj[k], shapeId, depth + 1));
  return out;
}

/** A whole value kept as a part: [-id]. */
export function partRef(id: number): [number] {
  return [-id];
}

export function decodeCompact(value: unknown, parts: PartReader, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (!Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) setOwn(out, k, decodeCompact(obj[k], parts, depth + 1));
    return out;
  }
  const head = value[0] as number;
  if (head === 0) {
    const out: unknown[] = [];
    for (let i = 1; i < value.length; i++) out.push(decodeCompact(value[i], parts, depth + 1));
    return out;
  }
  // A fresh parse each time: callers own the alert they are given and may change it.
  if (head < 0) return JSON.parse(parts.text(-head)) as unknown;
  const keys = parts.keys(head);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) setOwn(out, keys[i] as string, decodeCompact(value[i + 1], parts, depth + 1));
  return out;
}

/** As JSON.parse does: '__proto__' from log data is an own key, never the object's prototype. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
