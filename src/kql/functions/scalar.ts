import { call, constValue, fold, type Compiled, type FunctionImpl } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { asText, convertTo, family, toBool, toDate, toNumber, toTimespan } from '../operators/coerce';
import type { ColumnType } from '../types';
import { formatDatetime } from './datetime-format';
import { arity, need, typeArg } from './args';
import { DYNAMIC_FUNCTIONS } from './dynamic';
import { kustoRegex } from './regex';
import { IP_FUNCTIONS } from './ip';
import { DATETIME_FUNCTIONS } from './datetime';
import { SERIES_FUNCTIONS } from './series';
import { SET_FUNCTIONS } from './sets';
import { isPlainObject, Timespan, toJsonValue, toKqlString } from '../values';

function parseJsonValue(v: unknown): unknown {
  if (typeof v !== 'string') return toJsonValue(v);
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // KQL keeps text that is not JSON as a dynamic string
  }
}

const parseJson: FunctionImpl = (args, pos) => {
  arity('parse_json', args, pos, 1);
  const a = args[0];
  // A dynamic is already parsed: parse_json of an object is the object itself.
  if (a.type === 'dynamic') return { ev: a.ev, type: 'dynamic', isConst: a.isConst };
  return call(args, 'dynamic', parseJsonValue);
};

function toStringOf(v: unknown): string {
  return toKqlString(v);
}

function toLong(v: unknown): number | null {
  const n = toNumber(v);
  return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
}

function toInt(v: unknown): number | null {
  const n = toLong(v);
  return n === null ? null : n | 0;
}

/** Null or the empty string; an empty array or property bag is a value, not empty (isempty-function.md). */
function isEmptyValue(v: unknown): boolean {
  return v === null || v === '';
}

function binValue(v: unknown, size: unknown): unknown {
  if (v === null || size === null) return null;
  if (v instanceof Date) {
    const ms = size instanceof Timespan ? size.ms : null;
    if (!ms) return null;
    return new Date(Math.floor(v.getTime() / ms) * ms);
  }
  if (v instanceof Timespan) {
    const ms = size instanceof Timespan ? size.ms : typeof size === 'number' ? size : null;
    if (!ms) return null;
    return new Timespan(Math.floor(v.ms / ms) * ms);
  }
  const n = toNumber(v);
  const s = toNumber(size);
  if (n === null || !s) return null;
  return Math.floor(n / s) * s;
}

/**
 * indexof(s, match[, start[, length[, occurrence]]]): a negative start counts from the end; length -1
 * is unlimited. The search window is start..start+length inclusive, which is what the page's
 * examples show (indexof("abcdefgabcdefg", "cde", 1, 10, 2) is 9).
 */
function indexOf(s: unknown, find: unknown, start?: unknown, length?: unknown, occurrence?: unknown): number | null {
  const text = asText(s);
  const f = asText(find);
  let st = start === undefined ? 0 : toNumber(start);
  const len = length === undefined ? -1 : toNumber(length);
  const occ = occurrence === undefined ? 1 : toNumber(occurrence);
  if (st === null || len === null || occ === null || len < -1 || occ < 0) return null;
  if (st < 0) st = Math.max(0, text.length + st);
  const window = len === -1 ? text.slice(st) : text.slice(st, st + len + 1);
  let at = -1;
  for (let k = 0; k < Math.max(1, occ); k++) {
    at = window.indexOf(f, at + 1);
    if (at < 0) return -1;
  }
  return at + st;
}

/**
 * Kusto changes case one character at a time (.NET invariant culture): "ß" stays "ß" in upper case,
 * where JavaScript's full case mapping gives "SS". A character whose JS mapping is longer keeps itself.
 */
function simpleCase(text: string, upper: boolean): string {
  const plain = upper ? text.toUpperCase() : text.toLowerCase();
  if (plain.length === text.length) return plain;
  let out = '';
  for (const ch of text) {
    if (!upper && ch === '\u0130') {
      out += 'i';
      continue;
    }
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += m.length === ch.length ? m : ch;
  }
  return out;
}

function base64Encode(v: unknown): string {
  return Buffer.from(asText(v), 'utf8').toString('base64');
}

function base64Decode(v: unknown): string | null {
  const s = asText(v).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return null;
  // Bytes that are not valid UTF-8 give null, not replacement characters (base64-decode-tostring-function.md).
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'base64'));
  } catch {
    return null;
  }
}

function splitValue(s: unknown, delim: unknown, index?: unknown): unknown {
  const text = asText(s);
  const d = asText(delim);
  const parts = d === '' ? [text] : text.split(d);
  if (index === undefined) return parts;
  const i = toNumber(index);
  if (i === null || i < 0 || i >= parts.length) return [];
  return [parts[i]];
}

/**
 * The result type of iff/case branches: a dynamic branch takes the type of the others and is
 * converted to it (`iff(c, d.Name, "")` is a string, as Kusto types it); coalesce has no such rule.
 */
function unifyBranches(name: string, branches: Compiled[], pos: Pos): { type: ColumnType; branches: Compiled[] } {
  const typed = branches.filter((b) => b.type !== 'dynamic');
  if (typed.length === 0 || typed.length === branches.length) return { type: unify(name, branches, pos), branches };
  const type = unify(name, typed, pos);
  const conv =
    type === 'string'
      ? asText
      : type === 'int' || type === 'long'
        ? (v: unknown) => truncated(convertTo(v, type))
        : (v: unknown) => convertTo(v, type);
  return { type, branches: branches.map((b) => (b.type === 'dynamic' ? call([b], type, conv) : b)) };
}

function truncated(v: unknown): unknown {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null;
}

/** Picks a common result type for iff/case/coalesce branches. */
function unify(name: string, branches: Compiled[], pos: Pos): ColumnType {
  let t: ColumnType | undefined;
  for (const b of branches) {
    if (b.isConst && constValue(b) === null && b.type === 'dynamic') continue;
    if (t === undefined) t = b.type;
    else if (t !== b.type) {
      if (family(t) === 'number' && family(b.type) === 'number') t = t === 'real' || b.type === 'real' ? 'real' : 'long';
      else if (family(t) === 'string' && family(b.type) === 'string') t = 'string';
      else throw errorAt(`${name}() branches have different types: ${t} and ${b.type}`, pos);
    }
  }
  return t ?? 'dynamic';
}

function condEv(c: Compiled): (x: Parameters<Compiled['ev']>[0]) => boolean {
  const e = c.ev;
  return c.type === 'bool' ? (x) => e(x) === true : (x) => toBool(e(x)) === true;
}

export const FUNCTIONS: Record<string, FunctionImpl> = {
  now: (args, pos, scope) => {
    arity('now', args, pos, 0, 1);
    const off = args[0] ? (constValue(args[0]) as Timespan | null) : null;
    return call([], 'datetime', () => new Date(scope.now.getTime() + (off?.ms ?? 0)));
  },
  ago: (args, pos, scope) => {
    arity('ago', args, pos, 1);
    need('ago', args[0], pos, 'timespan');
    const now = scope.now.getTime();
    return call(args, 'datetime', (t) => (t === null ? null : new Date(now - (t as Timespan).ms)));
  },
  ingestion_time: (args, pos) => {
    arity('ingestion_time', args, pos, 0);
    return { ev: (c) => (c.ingest ? (c.ingest[c.i] ?? null) : null), type: 'datetime', isConst: false };
  },
  parse_json: parseJson,
  parsejson: parseJson,
  todynamic: parseJson,
  tostring: (args, pos) => {
    arity('tostring', args, pos, 1);
    const a = args[0];
    if (a.type === 'string') {
      const e = a.ev;
      return fold({ ev: (c) => (e(c) as string | null) ?? '', type: 'string', isConst: a.isConst });
    }
    return call(args, 'string', toStringOf);
  },
  toint: (args, pos) => (arity('toint', args, pos, 1), call(args, 'int', toInt)),
  tolong: (args, pos) => (arity('tolong', args, pos, 1), call(args, 'long', toLong)),
  toreal: (args, pos) => (arity('toreal', args, pos, 1), call(args, 'real', toNumber)),
  todouble: (args, pos) => (arity('todouble', args, pos, 1), call(args, 'real', toNumber)),
  todatetime: (args, pos) => (arity('todatetime', args, pos, 1), call(args, 'datetime', toDate)),
  totimespan: (args, pos) => (arity('totimespan', args, pos, 1), call(args, 'timespan', toTimespan)),
  tobool: (args, pos) => (arity('tobool', args, pos, 1), call(args, 'bool', toBool)),
  toboolean: (args, pos) => (arity('toboolean', args, pos, 1), call(args, 'bool', toBool)),
  tolower: (args, pos) => (arity('tolower', args, pos, 1), call(args, 'string', (v) => simpleCase(asText(v), false))),
  toupper: (args, pos) => (arity('toupper', args, pos, 1), call(args, 'string', (v) => simpleCase(asText(v), true))),
  strlen: (args, pos) => (arity('strlen', args, pos, 1), call(args, 'long', (v) => [...asText(v)].length)),
  strcat: (args, pos) => {
    arity('strcat', args, pos, 1, 64);
    return call(args, 'string', (...vs) => vs.map(asText).join(''));
  },
  strcat_delim: (args, pos) => {
    arity('strcat_delim', args, pos, 2, 65);
    return call(args, 'string', (d, ...vs) => vs.map(asText).join(asText(d)));
  },
  substring: (args, pos) => {
    arity('substring', args, pos, 2, 3);
    return call(args, 'string', (s, start, len) => {
      const text = asText(s);
      const from = toNumber(start);
      if (from === null) return '';
      // A negative start counts from the end of the string.
      const st = from < 0 ? Math.max(0, text.length + from) : from;
      return len === undefined ? text.slice(st) : text.substr(st, Math.max(0, toNumber(len) ?? 0));
    });
  },
  split: (args, pos) => {
    arity('split', args, pos, 2, 3);
    return call(args, 'dynamic', splitValue);
  },
  isempty: (args, pos) => (arity('isempty', args, pos, 1), call(args, 'bool', isEmptyValue)),
  isnotempty: (args, pos) => (arity('isnotempty', args, pos, 1), call(args, 'bool', (v) => !isEmptyValue(v))),
  isnull: (args, pos) => {
    arity('isnull', args, pos, 1);
    // Strings are never null in KQL (an absent string is empty).
    if (family(args[0].type) === 'string') return call(args, 'bool', () => false);
    return call(args, 'bool', (v) => v === null);
  },
  isnotnull: (args, pos) => {
    arity('isnotnull', args, pos, 1);
    if (family(args[0].type) === 'string') return call(args, 'bool', () => true);
    return call(args, 'bool', (v) => v !== null);
  },
  not: (args, pos) => {
    arity('not', args, pos, 1);
    need('not', args[0], pos, 'bool', 'dynamic');
    return call(args, 'bool', (v) => {
      const b = toBool(v);
      return b === null ? null : !b;
    });
  },
  iff: iffImpl('iff'),
  iif: iffImpl('iif'),
  case: (args, pos) => {
    if (args.length < 3 || args.length % 2 === 0) throw errorAt('case() takes pairs of condition and value, then a default', pos);
    const conds: ((x: Parameters<Compiled['ev']>[0]) => boolean)[] = [];
    const written: Compiled[] = [];
    for (let i = 0; i + 1 < args.length; i += 2) {
      conds.push(condEv(args[i]));
      written.push(args[i + 1]);
    }
    const { type, branches } = unifyBranches('case', [...written, args[args.length - 1]], pos);
    const valEvs = branches.slice(0, -1).map((v) => v.ev);
    const d = (branches[branches.length - 1] as Compiled).ev;
    return fold({
      ev: (c) => {
        for (let i = 0; i < conds.length; i++) if (conds[i](c)) return valEvs[i](c);
        return d(c);
      },
      type,
      isConst: args.every((a) => a.isConst),
    });
  },
  coalesce: (args, pos) => {
    arity('coalesce', args, pos, 1, 64);
    const type = unify('coalesce', args, pos);
    const evs = args.map((a) => a.ev);
    const str = family(type) === 'string';
    return fold({
      ev: (c) => {
        for (const e of evs) {
          const v = e(c);
          if (v !== null && !(str && v === '')) return v;
        }
        return str ? '' : null;
      },
      type,
      isConst: args.every((a) => a.isConst),
    });
  },
  bin: binImpl('bin'),
  floor: binImpl('floor'),
  abs: (args, pos) => {
    arity('abs', args, pos, 1);
    need('abs', args[0], pos, 'number', 'timespan');
    return call(args, args[0].type, (v) =>
      v === null ? null : v instanceof Timespan ? new Timespan(Math.abs(v.ms)) : Math.abs(v as number),
    );
  },
  round: (args, pos) => {
    arity('round', args, pos, 1, 2);
    need('round', args[0], pos, 'number');
    return call(args, args[0].type === 'real' ? 'real' : args[0].type, (v, p) => {
      const n = toNumber(v);
      if (n === null) return null;
      const f = 10 ** (toNumber(p ?? 0) ?? 0);
      return Math.round(n * f) / f;
    });
  },
  base64_encode_tostring: (args, pos) => (arity('base64_encode_tostring', args, pos, 1), call(args, 'string', base64Encode)),
  base64_decode_tostring: (args, pos) => (arity('base64_decode_tostring', args, pos, 1), call(args, 'string', base64Decode)),
  array_length: (args, pos) => {
    arity('array_length', args, pos, 1);
    return call(args, 'long', (v) => (Array.isArray(v) ? v.length : null));
  },
  bag_keys: (args, pos) => {
    arity('bag_keys', args, pos, 1);
    return call(args, 'dynamic', (v) => (isPlainObject(v) ? Object.keys(v) : null));
  },
  pack_array: (args, pos) => {
    arity('pack_array', args, pos, 1, 64);
    return call(args, 'dynamic', (...vs) => vs.map(toJsonValue));
  },
  bag_pack: packImpl('bag_pack'),
  pack: packImpl('pack'),
  extract: (args, pos) => {
    arity('extract', args, pos, 3, 4);
    if (!args[0].isConst || !args[1].isConst) throw errorAt('extract() needs a constant pattern and group', pos);
    const re = kustoRegex(asText(constValue(args[0])), pos);
    const group = toNumber(constValue(args[1])) ?? 0;
    // extract(re, n, s, typeof(T)) converts the match; no match, or one that does not convert, is null.
    const type = typeArg('extract', args, pos, 3) ?? 'string';
    return call([args[2]], type, (v) => {
      const m = re.exec(asText(v));
      const text = m ? (m[group] ?? '') : '';
      if (type === 'string') return text;
      return m ? convertTo(text, type) : null;
    });
  },
  replace_string: (args, pos) => {
    arity('replace_string', args, pos, 3);
    return call(args, 'string', (s, find, repl) => {
      const f = asText(find);
      return f === '' ? asText(s) : asText(s).split(f).join(asText(repl));
    });
  },
  indexof: (args, pos) => {
    arity('indexof', args, pos, 2, 5);
    return call(args, 'long', indexOf);
  },
  strcat_array: (args, pos) => {
    arity('strcat_array', args, pos, 2);
    return call(args, 'string', (arr, d) => (Array.isArray(arr) ? arr.map(asText).join(asText(d)) : ''));
  },
  replace_regex: (args, pos) => {
    arity('replace_regex', args, pos, 3);
    if (!args[1].isConst || !args[2].isConst) throw errorAt('replace_regex() needs a constant pattern and rewrite', pos);
    const re = kustoRegex(asText(constValue(args[1])), pos, 'g');
    // RE2 rewrites refer to groups as \0, \1 ...; JS as $&, $1 ...; a literal $ must be doubled.
    const rewrite = asText(constValue(args[2]))
      .replace(/\$/g, '$$$$')
      .replace(/\\(\d)/g, (_m, d: string) => (d === '0' ? '$&' : `$${d}`));
    return call([args[0]], 'string', (v) => asText(v).replace(re, rewrite));
  },
  extract_all: (args, pos) => {
    arity('extract_all', args, pos, 2, 3);
    if (!args[0].isConst || (args.length === 3 && !args[1].isConst))
      throw errorAt('extract_all() needs a constant pattern and groups', pos);
    const re = kustoRegex(asText(constValue(args[0])), pos, 'g');
    const groups = args.length === 3 ? constValue(args[1]) : undefined;
    if (groups !== undefined && !Array.isArray(groups)) throw errorAt('extract_all() capture groups must be a dynamic array', pos);
    const pick = groups as (number | string)[] | undefined;
    return call([args[args.length - 1]], 'dynamic', (v) => {
      const text = asText(v);
      const out: unknown[] = [];
      for (const m of text.matchAll(re)) {
        if (m[0] === '') continue;
        const values = pick
          ? pick.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? '')
          : m.length > 1
            ? m.slice(1).map((x) => x ?? '')
            : [m[0]];
        out.push(values.length === 1 ? values[0] : values);
      }
      return out.length === 0 ? null : out;
    });
  },
  trim: trimImpl('trim', (x) => `^(?:${x})+|(?:${x})+$`),
  trim_start: trimImpl('trim_start', (x) => `^(?:${x})+`),
  trim_end: trimImpl('trim_end', (x) => `(?:${x})+$`),
  column_ifexists: (args, pos, scope) => {
    arity('column_ifexists', args, pos, 2);
    const name = args[0].isConst ? constValue(args[0]) : undefined;
    if (typeof name !== 'string') throw errorAt('column_ifexists() needs the column name as a constant string', pos);
    // The column when the input has it, else the default: rules written for several table versions rely on it.
    const col = scope.column(name);
    return col ? { ev: col.ev, type: col.type, isConst: false } : (args[1] as Compiled);
  },
  format_datetime: (args, pos) => {
    arity('format_datetime', args, pos, 2);
    need('format_datetime', args[0], pos, 'datetime');
    if (!args[1].isConst) throw errorAt('format_datetime() needs a constant format', pos);
    const fmt = asText(constValue(args[1]));
    const f = formatDatetime(fmt, pos);
    return call([args[0]], 'string', (d) => (d === null ? '' : f(d as Date)));
  },
  ...IP_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...SERIES_FUNCTIONS,
  ...SET_FUNCTIONS,
  ...DYNAMIC_FUNCTIONS,
};

function iffImpl(name: string): FunctionImpl {
  return (args, pos) => {
    arity(name, args, pos, 3);
    const cond = condEv(args[0]);
    const { type, branches } = unifyBranches(name, [args[1], args[2]], pos);
    const a = (branches[0] as Compiled).ev;
    const b = (branches[1] as Compiled).ev;
    return fold({ ev: (c) => (cond(c) ? a(c) : b(c)), type, isConst: args.every((x) => x.isConst) });
  };
}

/** trim/trim_start/trim_end(regex, s): removes repeated matches of the pattern at the given end(s). */
function trimImpl(name: string, wrap: (pattern: string) => string): FunctionImpl {
  return (args, pos) => {
    arity(name, args, pos, 2);
    if (!args[0].isConst) throw errorAt(`${name}() needs a constant pattern`, pos);
    const re = kustoRegex(asText(constValue(args[0])), pos, 'g', wrap);
    return call([args[1]], 'string', (v) => asText(v).replace(re, ''));
  };
}

function binImpl(name: string): FunctionImpl {
  return (args, pos) => {
    arity(name, args, pos, 2);
    need(name, args[0], pos, 'number', 'datetime', 'timespan', 'dynamic');
    if (args[0].type === 'datetime' && args[1].type !== 'timespan') throw errorAt(`${name}() of a datetime needs a timespan size`, pos);
    const type: ColumnType = args[0].type === 'dynamic' ? 'real' : args[0].type;
    return call(args, type, binValue);
  };
}

function packImpl(name: string): FunctionImpl {
  return (args, pos) => {
    if (args.length % 2 !== 0) throw errorAt(`${name}() takes key/value pairs`, pos);
    return call(args, 'dynamic', (...vs) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < vs.length; i += 2) o[asText(vs[i])] = toJsonValue(vs[i + 1]);
      return o;
    });
  };
}
