import type { Compiled, Ctx } from '../compile/context';
import { constValue, fold } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { asText } from './coerce';
import { kustoRegex } from '../functions/regex';

/** Term characters: letters and digits of any script (KQL's terms are maximal alphanumeric runs). */
const ALNUM = '\\p{L}\\p{N}';
const ALNUM_AT_START = /^[\p{L}\p{N}]/u;
const ALNUM_AT_END = /[\p{L}\p{N}]$/u;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * `has` matches whole terms: the needle must not be glued to letters or digits on either side
 * (only where the needle itself starts or ends with one).
 */
function termPattern(needle: string, prefixOnly: boolean, suffixOnly: boolean): string {
  const startsAlnum = ALNUM_AT_START.test(needle);
  const endsAlnum = ALNUM_AT_END.test(needle);
  const left = startsAlnum && !suffixOnly ? `(?<![${ALNUM}])` : '';
  const right = endsAlnum && !prefixOnly ? `(?![${ALNUM}])` : '';
  return left + escapeRegex(needle) + right;
}

type Tester = (hay: string, needle: string) => boolean;

interface StringOp {
  /** Builds a fast test for a constant needle. */
  forConst(needle: string): (hay: string) => boolean;
  test: Tester;
}

function regexOp(build: (needle: string) => string, flags: string): StringOp {
  let lastNeedle: string | undefined;
  let lastRe: RegExp | undefined;
  return {
    forConst(needle) {
      if (needle === '') return () => true;
      const re = new RegExp(build(needle), flags);
      return (hay) => re.test(hay);
    },
    test(hay, needle) {
      if (needle === '') return true;
      if (needle !== lastNeedle || !lastRe) {
        lastNeedle = needle;
        lastRe = new RegExp(build(needle), flags);
      }
      return lastRe.test(hay);
    },
  };
}

function plainOp(test: Tester, prepare: (needle: string) => string = (n) => n): StringOp {
  return {
    forConst(needle) {
      const n = prepare(needle);
      return (hay) => test(hay, n);
    },
    test: (hay, needle) => test(hay, prepare(needle)),
  };
}

const lower = (s: string): string => s.toLowerCase();

const STRING_OPS: Record<string, StringOp> = {
  has: regexOp((n) => termPattern(n, false, false), 'iu'),
  has_cs: regexOp((n) => termPattern(n, false, false), 'u'),
  hasprefix: regexOp((n) => termPattern(n, true, false), 'iu'),
  hasprefix_cs: regexOp((n) => termPattern(n, true, false), 'u'),
  hassuffix: regexOp((n) => termPattern(n, false, true), 'iu'),
  hassuffix_cs: regexOp((n) => termPattern(n, false, true), 'u'),
  contains: regexOp(escapeRegex, 'i'),
  contains_cs: plainOp((h, n) => h.includes(n)),
  startswith: plainOp((h, n) => h.length >= n.length && h.slice(0, n.length).toLowerCase() === n, lower),
  startswith_cs: plainOp((h, n) => h.startsWith(n)),
  endswith: plainOp((h, n) => h.length >= n.length && h.slice(h.length - n.length).toLowerCase() === n, lower),
  endswith_cs: plainOp((h, n) => h.endsWith(n)),
  '=~': plainOp((h, n) => h.length === n.length && h.toLowerCase() === n, lower),
};

function textEv(c: Compiled): (x: Ctx) => string {
  const e = c.ev;
  if (c.type === 'string' || c.type === 'guid') return (x) => (e(x) as string | null) ?? '';
  return (x) => asText(e(x));
}

/** has, contains, startswith, endswith, =~ and their negated and case-sensitive forms. */
export function compileStringOp(op: string, l: Compiled, r: Compiled, pos: Pos): Compiled {
  let name = op;
  let negate = false;
  if (op === '!~') {
    name = '=~';
    negate = true;
  } else if (op.startsWith('!')) {
    name = op.slice(1);
    negate = true;
  }
  const impl = STRING_OPS[name];
  if (!impl) throw errorAt(`unsupported operator '${op}'`, pos);
  const hay = textEv(l);
  const isConst = l.isConst && r.isConst;
  if (r.isConst) {
    const t = impl.forConst(asText(constValue(r)));
    return fold({ ev: negate ? (c) => !t(hay(c)) : (c) => t(hay(c)), type: 'bool', isConst });
  }
  const needle = textEv(r);
  const test = impl.test;
  return fold({
    ev: negate ? (c) => !test(hay(c), needle(c)) : (c) => test(hay(c), needle(c)),
    type: 'bool',
    isConst,
  });
}

/** Flattens dynamic arrays in an operator list, as `in (dynamic([...]))` expects. */
function flatten(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    // One by one: a subquery's list can be longer than a spread's argument limit.
    if (Array.isArray(v)) for (const x of v) out.push(x);
    else out.push(v);
  }
  return out;
}

/** has_any / has_all with a constant list: one regex for all terms. */
export function compileHasAny(op: 'has_any' | 'has_all', l: Compiled, list: Compiled[], pos: Pos): Compiled {
  if (!list.every((x) => x.isConst)) throw errorAt(`${op} needs constant values`, pos);
  const needles = flatten(list.map(constValue))
    .map(asText)
    .filter((n) => n !== '');
  const hay = textEv(l);
  if (needles.length === 0) return fold({ ev: () => op === 'has_all', type: 'bool', isConst: true });
  if (op === 'has_any') {
    const re = new RegExp(needles.map((n) => termPattern(n, false, false)).join('|'), 'iu');
    // Most rows hold none of the needles: a plain substring regex rejects them before the term check.
    const quick = new RegExp(needles.map(escapeRegex).join('|'), 'i');
    return fold({
      ev: (c) => {
        const h = hay(c);
        return quick.test(h) && re.test(h);
      },
      type: 'bool',
      isConst: l.isConst,
    });
  }
  const res = needles.map((n) => new RegExp(termPattern(n, false, false), 'iu'));
  return fold({
    ev: (c) => {
      const h = hay(c);
      for (const re of res) if (!re.test(h)) return false;
      return true;
    },
    type: 'bool',
    isConst: l.isConst,
  });
}

/** in, !in, in~, !in~ over a list of constants (dynamic arrays are flattened). */
export function compileIn(op: string, l: Compiled, list: Compiled[], pos: Pos): Compiled {
  if (!list.every((x) => x.isConst)) throw errorAt(`'${op}' needs constant values (a tabular subquery is not supported)`, pos);
  const negate = op.startsWith('!');
  const caseless = op.endsWith('~');
  const values = flatten(list.map(constValue));
  const e = l.ev;
  const isStringSide = l.type === 'string' || l.type === 'guid' || caseless;
  if (isStringSide) {
    const set = new Set(values.map((v) => (caseless ? asText(v).toLowerCase() : asText(v))));
    const str = textEv(l);
    return fold({
      ev: caseless ? (c) => set.has(str(c).toLowerCase()) !== negate : (c) => set.has(str(c)) !== negate,
      type: 'bool',
      isConst: l.isConst,
    });
  }
  const keys = new Set(values.map(inKey));
  return fold({
    ev: (c) => {
      const v = e(c);
      if (v === null) return negate;
      return keys.has(inKey(v)) !== negate;
    },
    type: 'bool',
    isConst: l.isConst,
  });
}

function inKey(v: unknown): string {
  if (v instanceof Date) return 't' + v.getTime();
  if (typeof v === 'number') return 'n' + v;
  if (typeof v === 'string') return 's' + v;
  if (typeof v === 'boolean') return 'b' + v;
  if (v !== null && typeof v === 'object' && 'ms' in v) return 'p' + String((v as { ms: number }).ms);
  return 'j' + JSON.stringify(v);
}

/** `matches regex`. */
export function compileMatches(l: Compiled, r: Compiled, pos: Pos): Compiled {
  if (!r.isConst) throw errorAt('matches regex needs a constant pattern', pos);
  const re = kustoRegex(asText(constValue(r)), pos);
  const hay = textEv(l);
  return fold({ ev: (c) => re.test(hay(c)), type: 'bool', isConst: l.isConst });
}
