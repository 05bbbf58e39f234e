import { errorAt, type Pos } from '../errors';

/**
 * Compiles a Kusto (RE2) regular expression as a JavaScript one, translating what the two spell
 * differently: leading flags such as (?i), (?P<name>...) groups, \A and \z anchors and \pL classes.
 * `wrap` builds the final pattern around the translated one (trim's ^(?:p)+ form).
 */
export function kustoRegex(pattern: string, pos: Pos, flags = '', wrap: (p: string) => string = (p) => p): RegExp {
  let src = pattern;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  let extra = '';
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') extra += f;
      else throw errorAt(`unsupported regular expression flag '${f}'`, pos);
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1];
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'z') out += '(?![\\s\\S])';
      else if ((n === 'p' || n === 'P') && src[i + 2] !== '{' && /[A-Za-z]/.test(src[i + 2] ?? '')) {
        out += `\\${n}{${src[i + 2]}}`;
        unicode = true;
        i += 2;
        continue;
      } else {
        if (n === 'p' || n === 'P') unicode = true;
        out += c + n;
      }
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    if (!inClass && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    out += c;
  }
  const all = [...new Set((flags + extra + (unicode ? 'u' : '')).split(''))].join('');
  try {
    return new RegExp(wrap(out), all);
  } catch (err) {
    throw errorAt(`bad regular expression: ${(err as Error).message}`, pos);
  }
}
