import { call, type FunctionImpl } from '../compile/context';
import { errorAt } from '../errors';
import { asText, toNumber } from '../operators/coerce';
import { arity } from './args';

/** An IPv4 address with the prefix length it carries ("a.b.c.d" is /32). */
interface V4 {
  addr: number;
  prefix: number;
}

const V4_TEXT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Parses dotted-quad IPv4 text with optional IP-prefix notation; undefined when it is not one. */
export function parseV4(v: unknown): V4 | undefined {
  if (v === null || v === undefined) return undefined;
  const m = V4_TEXT.exec(asText(v).trim());
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return undefined;
  return { addr: ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3], prefix };
}

function mask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

function masked(v: V4, bits = v.prefix): number {
  return (v.addr & mask(bits)) >>> 0;
}

/** The prefix an optional third argument adds; undefined when absent, null when it is not 0..max. */
function prefixArg(p: unknown, max: number): number | null | undefined {
  if (p === undefined) return undefined;
  const n = toNumber(p);
  if (n === null || !Number.isInteger(n) || n < 0 || n > max) return null;
  return n;
}

function compareV4(a: unknown, b: unknown, p?: unknown): number | null {
  const x = parseV4(a);
  const y = parseV4(b);
  const extra = prefixArg(p, 32);
  if (!x || !y || extra === null) return null;
  // The shortest prefix among both strings and the argument decides (ipv4-compare-function.md).
  const bits = Math.min(x.prefix, y.prefix, extra ?? 32);
  const l = masked(x, bits);
  const r = masked(y, bits);
  return l === r ? 0 : l > r ? 1 : -1;
}

const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseV4(r) as V4);

function inRangeV4(ip: unknown, range: unknown): boolean | null {
  const x = parseV4(ip);
  const r = parseV4(range);
  if (!x || !r) return null;
  return masked(x, Math.min(x.prefix, r.prefix)) === masked(r, Math.min(x.prefix, r.prefix));
}

/** Range arguments of *_is_in_any_range: several strings, or one dynamic array of them. */
function rangeList(vs: unknown[]): unknown[] {
  return vs.length === 1 && Array.isArray(vs[0]) ? vs[0] : vs;
}

function anyRange(test: (ip: unknown, range: unknown) => boolean | null): (ip: unknown, ...ranges: unknown[]) => boolean | null {
  return (ip, ...ranges) => {
    let sawNull = false;
    for (const r of rangeList(ranges)) {
      const hit = test(ip, r);
      if (hit === true) return true;
      if (hit === null) sawNull = true;
    }
    return sawNull ? null : false;
  };
}

/** An IPv6 address (IPv4 maps to ::ffff:a.b.c.d) as a 128-bit integer, with its prefix length. */
interface V6 {
  addr: bigint;
  prefix: number;
}

export function parseV6(v: unknown): V6 | undefined {
  if (v === null || v === undefined) return undefined;
  let text = asText(v).trim();
  let prefix = 128;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    text = text.slice(0, slash);
  }
  const v4 = parseV4(text);
  if (v4) {
    if (slash >= 0 && prefix > 32) return undefined;
    return { addr: 0xffff00000000n + BigInt(v4.addr), prefix: slash >= 0 ? prefix + 96 : 128 };
  }
  if (prefix > 128 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes('.')) {
        const tail = parseV4(part);
        if (!tail || tail.prefix !== 32) return undefined;
        out.push(tail.addr >>> 16, tail.addr & 0xffff);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return undefined;
      out.push(parseInt(part, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  let addr = 0n;
  for (const g of all) addr = (addr << 16n) + BigInt(g);
  return { addr, prefix };
}

/** parse_ipv6: the canonical form, eight zero-padded lower-case groups, with any prefix applied; null when not an address. */
function canonicalV6(v: unknown): string | null {
  const a = parseV6(v);
  if (!a) return null;
  const hex = maskedV6(a, a.prefix).toString(16).padStart(32, '0');
  return hex.match(/.{4}/g)?.join(':') ?? null;
}

function maskedV6(v: V6, bits: number): bigint {
  if (bits <= 0) return 0n;
  const m = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return v.addr & m;
}

function compareV6(a: unknown, b: unknown, p?: unknown): number | null {
  const x = parseV6(a);
  const y = parseV6(b);
  const extra = prefixArg(p, 128);
  if (!x || !y || extra === null) return null;
  const bits = Math.min(x.prefix, y.prefix, extra ?? 128);
  const l = maskedV6(x, bits);
  const r = maskedV6(y, bits);
  return l === r ? 0 : l > r ? 1 : -1;
}

function inRangeV6(ip: unknown, range: unknown): boolean | null {
  const x = parseV6(ip);
  const r = parseV6(range);
  if (!x || !r) return null;
  const bits = Math.min(x.prefix, r.prefix);
  return maskedV6(x, bits) === maskedV6(r, bits);
}

/**
 * Whether an IPv4 address appears in text delimited by non-alphanumeric characters. A dot next to a
 * digit does not delimit: "1.2.3.4.5" does not hold 2.3.4.5 (the page is silent on dots; reading
 * them as part of a longer dotted number avoids matching inside one).
 */
function textHasV4(text: string, ip: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(ip, from);
    if (at < 0) return false;
    const before = text.slice(Math.max(0, at - 2), at);
    const after = text.slice(at + ip.length, at + ip.length + 2);
    const bad = (two: string, dotFirst: boolean): boolean => {
      const c = dotFirst ? two[0] : two[two.length - 1];
      if (c === undefined) return false;
      if (/[\p{L}\p{N}]/u.test(c)) return true;
      const other = dotFirst ? two[1] : two[0];
      return c === '.' && other !== undefined && /\d/.test(other) && two.length === 2;
    };
    if (!bad(before, false) && !bad(after, true)) return true;
    from = at + 1;
  }
}

function hasAnyV4(text: unknown, ...ips: unknown[]): boolean {
  const t = asText(text);
  return rangeList(ips).some((ip) => {
    const v = parseV4(ip);
    return v !== undefined && v.prefix === 32 && !asText(ip).includes('/') && textHasV4(t, asText(ip).trim());
  });
}

function formatV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export const IP_FUNCTIONS: Record<string, FunctionImpl> = {
  parse_ipv4: (args, pos) => {
    arity('parse_ipv4', args, pos, 1);
    return call(args, 'long', (v) => {
      const x = parseV4(v);
      return x ? masked(x) : null;
    });
  },
  parse_ipv4_mask: (args, pos) => {
    arity('parse_ipv4_mask', args, pos, 2);
    return call(args, 'long', (v, p) => {
      const x = parseV4(v);
      const bits = prefixArg(p, 32);
      if (!x || bits === null || bits === undefined) return null;
      return masked(x, Math.min(x.prefix, bits));
    });
  },
  format_ipv4: (args, pos) => {
    arity('format_ipv4', args, pos, 1, 2);
    return call(args, 'string', (v, p) => {
      const bits = prefixArg(p, 32);
      if (bits === null) return '';
      if (typeof v === 'number')
        return Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? formatV4(masked({ addr: v, prefix: 32 }, bits ?? 32)) : '';
      const x = parseV4(v);
      return x ? formatV4(masked(x, Math.min(x.prefix, bits ?? 32))) : '';
    });
  },
  ipv4_netmask_suffix: (args, pos) => {
    arity('ipv4_netmask_suffix', args, pos, 1);
    return call(args, 'long', (v) => parseV4(v)?.prefix ?? null);
  },
  ipv4_compare: (args, pos) => (arity('ipv4_compare', args, pos, 2, 3), call(args, 'long', compareV4)),
  ipv4_is_match: (args, pos) => {
    arity('ipv4_is_match', args, pos, 2, 3);
    return call(args, 'bool', (a, b, p) => {
      const r = compareV4(a, b, p);
      return r === null ? null : r === 0;
    });
  },
  ipv4_is_in_range: (args, pos) => (arity('ipv4_is_in_range', args, pos, 2), call(args, 'bool', inRangeV4)),
  ipv4_is_in_any_range: (args, pos) => {
    if (args.length < 2) throw errorAt('ipv4_is_in_any_range() needs an address and at least one range', pos);
    return call(args, 'bool', anyRange(inRangeV4));
  },
  ipv4_is_private: (args, pos) => {
    arity('ipv4_is_private', args, pos, 1);
    return call(args, 'bool', (v) => {
      const x = parseV4(v);
      if (!x) return null;
      return PRIVATE_V4.some((r) => masked(x, Math.min(x.prefix, r.prefix)) === masked(r));
    });
  },
  has_ipv4: (args, pos) => (arity('has_ipv4', args, pos, 2), call(args, 'bool', hasAnyV4)),
  has_any_ipv4: (args, pos) => {
    if (args.length < 2) throw errorAt('has_any_ipv4() needs a text and at least one address', pos);
    return call(args, 'bool', hasAnyV4);
  },
  parse_ipv6: (args, pos) => (arity('parse_ipv6', args, pos, 1), call(args, 'string', canonicalV6)),
  ipv6_compare: (args, pos) => (arity('ipv6_compare', args, pos, 2, 3), call(args, 'long', compareV6)),
  ipv6_is_match: (args, pos) => {
    arity('ipv6_is_match', args, pos, 2, 3);
    return call(args, 'bool', (a, b, p) => {
      const r = compareV6(a, b, p);
      return r === null ? null : r === 0;
    });
  },
  ipv6_is_in_range: (args, pos) => (arity('ipv6_is_in_range', args, pos, 2), call(args, 'bool', inRangeV6)),
  ipv6_is_in_any_range: (args, pos) => {
    if (args.length < 2) throw errorAt('ipv6_is_in_any_range() needs an address and at least one range', pos);
    return call(args, 'bool', anyRange(inRangeV6));
  },
};
