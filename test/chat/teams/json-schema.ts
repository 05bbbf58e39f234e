/**
 * A small JSON Schema (draft-04 style) validator for the keywords the Teams
 * manifest schema uses: type, properties, additionalProperties, required,
 * items, min/maxItems, uniqueItems, enum, const, min/maxLength, pattern,
 * minimum/maximum, minProperties, anyOf/oneOf/allOf, if/then/else,
 * dependencies, $ref to "#/…". Unknown keywords are annotations and ignored;
 * "format" is checked for "uri" only.
 */
type Schema = Record<string, unknown> | boolean;

export interface SchemaError {
  /** JSON pointer into the instance, e.g. /bots/0/botId */
  path: string;
  message: string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resolvePointer(root: unknown, ref: string): Schema {
  if (!ref.startsWith('#')) throw new Error(`only local $ref are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref
    .slice(1)
    .split('/')
    .filter((s) => s.length > 0)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`$ref ${ref} does not resolve`);
  }
  return node as Schema;
}

export function validate(schema: Schema, instance: unknown, root: unknown = schema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(schema, instance, '', root, errors);
  return errors;
}

function check(schema: Schema, v: unknown, path: string, root: unknown, out: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, message: 'is not allowed here' });
    return;
  }
  const s = schema;
  const fail = (message: string): void => {
    out.push({ path: path || '/', message });
  };
  if (typeof s.$ref === 'string') {
    check(resolvePointer(root, s.$ref), v, path, root, out);
    return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => matchesType(v, t))) {
      fail(`should be ${types.join(' or ')}, is ${typeOf(v)}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v)))
    fail(`should be one of ${JSON.stringify(s.enum)}, is ${JSON.stringify(v)}`);
  if ('const' in s && !deepEqual(s.const, v)) fail(`should be ${JSON.stringify(s.const)}, is ${JSON.stringify(v)}`);

  if (typeof v === 'string') {
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) fail(`is longer than ${s.maxLength} characters`);
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) fail(`is shorter than ${s.minLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) fail(`does not match ${s.pattern}`);
    if (s.format === 'uri' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v)) fail('is not a URI');
  }
  if (typeof v === 'number') {
    if (typeof s.maximum === 'number' && v > s.maximum) fail(`is above ${s.maximum}`);
    if (typeof s.minimum === 'number' && v < s.minimum) fail(`is below ${s.minimum}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) fail(`has more than ${s.maxItems} items`);
    if (typeof s.minItems === 'number' && v.length < s.minItems) fail(`has fewer than ${s.minItems} items`);
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) fail('has duplicate items');
    if (Array.isArray(s.items)) {
      (s.items as Schema[]).forEach((item, i) => {
        if (i < v.length) check(item, v[i], `${path}/${i}`, root, out);
      });
    } else if (s.items !== undefined) {
      v.forEach((x, i) => check(s.items as Schema, x, `${path}/${i}`, root, out));
    }
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!(key in o)) fail(`is missing required property "${key}"`);
    }
    if (typeof s.minProperties === 'number' && Object.keys(o).length < s.minProperties)
      fail(`has fewer than ${s.minProperties} properties`);
    for (const [key, value] of Object.entries(o)) {
      const child = `${path}/${key}`;
      if (key in props) check(props[key], value, child, root, out);
      else if (s.additionalProperties === false) out.push({ path: child, message: 'is not an allowed property' });
      else if (typeof s.additionalProperties === 'object') check(s.additionalProperties as Schema, value, child, root, out);
    }
    if (typeof s.dependencies === 'object' && s.dependencies !== null) {
      for (const [key, dep] of Object.entries(s.dependencies as Record<string, unknown>)) {
        if (!(key in o)) continue;
        if (Array.isArray(dep)) {
          for (const needed of dep as string[]) if (!(needed in o)) fail(`has "${key}" but not "${needed}"`);
        } else check(dep as Schema, v, path, root, out);
      }
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, v, path, root, out);
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((sub) => validate(sub, v, root).length === 0)) fail('matches none of anyOf');
  if (Array.isArray(s.oneOf)) {
    const n = (s.oneOf as Schema[]).filter((sub) => validate(sub, v, root).length === 0).length;
    if (n !== 1) fail(`matches ${n} of oneOf, should match exactly 1`);
  }
  if (s.if !== undefined) {
    const branch = validate(s.if as Schema, v, root).length === 0 ? s.then : s.else;
    if (branch !== undefined) check(branch as Schema, v, path, root, out);
  }
}
