import { errorAt, type Pos } from '../errors';

const TOKENS = [
  'yyyy',
  'yy',
  'MM',
  'M',
  'dd',
  'd',
  'HH',
  'H',
  'hh',
  'h',
  'mm',
  'm',
  'ss',
  's',
  'fffffff',
  'ffffff',
  'fffff',
  'ffff',
  'fff',
  'ff',
  'f',
  'tt',
];

/** format_datetime's .NET-style format specifiers, in UTC. */
export function formatDatetime(fmt: string, pos: Pos): (d: Date) => string {
  const parts: ((d: Date) => string)[] = [];
  let i = 0;
  while (i < fmt.length) {
    const tok = TOKENS.find((t) => fmt.startsWith(t, i));
    if (tok) {
      parts.push(tokenFn(tok));
      i += tok.length;
      continue;
    }
    const ch = fmt[i];
    if (/[A-Za-z]/.test(ch)) throw errorAt(`unsupported format_datetime specifier '${ch}'`, pos);
    parts.push(() => ch);
    i++;
  }
  return (d) => parts.map((p) => p(d)).join('');
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function tokenFn(tok: string): (d: Date) => string {
  switch (tok) {
    case 'yyyy':
      return (d) => pad(d.getUTCFullYear(), 4);
    case 'yy':
      return (d) => pad(d.getUTCFullYear() % 100, 2);
    case 'MM':
      return (d) => pad(d.getUTCMonth() + 1, 2);
    case 'M':
      return (d) => String(d.getUTCMonth() + 1);
    case 'dd':
      return (d) => pad(d.getUTCDate(), 2);
    case 'd':
      return (d) => String(d.getUTCDate());
    case 'HH':
      return (d) => pad(d.getUTCHours(), 2);
    case 'H':
      return (d) => String(d.getUTCHours());
    case 'hh':
      return (d) => pad(d.getUTCHours() % 12 || 12, 2);
    case 'h':
      return (d) => String(d.getUTCHours() % 12 || 12);
    case 'mm':
      return (d) => pad(d.getUTCMinutes(), 2);
    case 'm':
      return (d) => String(d.getUTCMinutes());
    case 'ss':
      return (d) => pad(d.getUTCSeconds(), 2);
    case 's':
      return (d) => String(d.getUTCSeconds());
    case 'tt':
      return (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM');
    default: {
      // f..fffffff: fraction digits; JS dates stop at milliseconds.
      const n = tok.length;
      return (d) => (pad(d.getUTCMilliseconds(), 3) + '0000').slice(0, n);
    }
  }
}
