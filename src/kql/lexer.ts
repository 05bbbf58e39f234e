import { errorAt, type Pos } from './errors';
import { timespanUnitMs } from './values';

export type TokenKind =
  | 'ident' // names and keywords, including !has, in~, project-away
  | 'string'
  | 'long'
  | 'real'
  | 'timespan' // 30m, 1h, 100ms
  | 'datetime' // datetime(...) with its raw contents
  | 'timespanfn' // timespan(...) / time(...) with its raw contents
  | 'punct'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** For strings, the decoded value; for punctuation and names, the text; for numbers, the literal text. */
  text: string;
  /** Numeric value for long/real; milliseconds for timespan. */
  num?: number;
  pos: Pos;
}

/** Operator names written with a hyphen; any other `a-b` is subtraction. */
const HYPHENATED = new Set([
  'project-away',
  'project-rename',
  'project-keep',
  'project-reorder',
  'mv-expand',
  'mv-apply',
  'make-series',
  'top-nested',
  'top-hitters',
  'parse-where',
  'parse-kv',
  'project-smart',
]);

const PUNCT2 = ['==', '!=', '<>', '<=', '>=', '=~', '!~', '..', '=>'];
const PUNCT1 = '|()[]{},;.=<>+-*/%:$!?@';

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, column: at - lineStart + 1 });
  const n = text.length;

  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const p = pos(i);

    // Strings: "..", '..', @"..", @'..', h".." (obfuscated: same value).
    if (c === '"' || c === "'") {
      const r = readQuoted(text, i, false, p);
      tokens.push({ kind: 'string', text: r.value, pos: p });
      i = r.end;
      continue;
    }
    if (c === '@' && (text[i + 1] === '"' || text[i + 1] === "'")) {
      const r = readQuoted(text, i + 1, true, p);
      tokens.push({ kind: 'string', text: r.value, pos: p });
      i = r.end;
      continue;
    }
    if (
      (c === 'h' || c === 'H') &&
      (text[i + 1] === '"' || text[i + 1] === "'" || (text[i + 1] === '@' && (text[i + 2] === '"' || text[i + 2] === "'")))
    ) {
      const verbatim = text[i + 1] === '@';
      const r = readQuoted(text, verbatim ? i + 2 : i + 1, verbatim, p);
      tokens.push({ kind: 'string', text: r.value, pos: p });
      i = r.end;
      continue;
    }
    if (c === '`' && text.startsWith('```', i)) {
      const end = text.indexOf('```', i + 3);
      if (end < 0) throw errorAt('unterminated multi-line string literal', p);
      const value = text.slice(i + 3, end);
      for (let k = i; k < end + 3; k++)
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      tokens.push({ kind: 'string', text: value, pos: p });
      i = end + 3;
      continue;
    }

    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i = readNumber(text, i, p, tokens);
      continue;
    }

    if (isIdentStart(c) || (c === '!' && isIdentStart(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && isIdentPart(text[j])) j++;
      let word = text.slice(i, j);
      // in~, !in~, has~ style suffixes.
      if (text[j] === '~' && /^!?in$/i.test(word)) {
        word += '~';
        j++;
      }
      // project-away and friends.
      if (text[j] === '-' && isIdentStart(text[j + 1] ?? '')) {
        let k = j + 1;
        while (k < n && isIdentPart(text[k])) k++;
        const joined = word + '-' + text.slice(j + 1, k);
        if (HYPHENATED.has(joined.toLowerCase())) {
          word = joined;
          j = k;
        }
      }
      const lower = word.toLowerCase();
      if ((lower === 'datetime' || lower === 'timespan' || lower === 'time') && nextNonSpace(text, j) === '(') {
        const open = text.indexOf('(', j);
        const close = text.indexOf(')', open);
        if (close < 0) throw errorAt(`unterminated ${lower}(...) literal`, p);
        const raw = text.slice(open + 1, close).trim();
        tokens.push({ kind: lower === 'datetime' ? 'datetime' : 'timespanfn', text: raw, pos: p });
        i = close + 1;
        continue;
      }
      tokens.push({ kind: 'ident', text: word, pos: p });
      i = j;
      continue;
    }

    const three = text.slice(i, i + 4);
    if (three === '!in~') {
      tokens.push({ kind: 'ident', text: '!in~', pos: p });
      i += 4;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      tokens.push({ kind: 'punct', text: two === '<>' ? '!=' : two, pos: p });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: p });
      i++;
      continue;
    }
    throw errorAt(`unexpected character '${c}'`, p);
  }
  tokens.push({ kind: 'eof', text: '', pos: pos(i) });
  return tokens;
}

function nextNonSpace(text: string, i: number): string {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text[i] ?? '';
}

function readQuoted(text: string, i: number, verbatim: boolean, p: Pos): { value: string; end: number } {
  const q = text[i];
  let j = i + 1;
  let out = '';
  while (j < text.length) {
    const c = text[j];
    if (c === '\n') break;
    if (verbatim) {
      if (c === q) {
        if (text[j + 1] === q) {
          out += q;
          j += 2;
          continue;
        }
        return { value: out, end: j + 1 };
      }
      out += c;
      j++;
      continue;
    }
    if (c === q) return { value: out, end: j + 1 };
    if (c === '\\') {
      const e = text[j + 1];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
          out += '\\';
          break;
        case '"':
          out += '"';
          break;
        case "'":
          out += "'";
          break;
        case 'u': {
          const hex = text.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw errorAt('bad \\u escape in string literal', p);
          out += String.fromCharCode(parseInt(hex, 16));
          j += 4;
          break;
        }
        default:
          throw errorAt(`unknown escape '\\${e ?? ''}' in string literal`, p);
      }
      j += 2;
      continue;
    }
    out += c;
    j++;
  }
  throw errorAt('unterminated string literal', p);
}

function readNumber(text: string, i: number, p: Pos, tokens: Token[]): number {
  const n = text.length;
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    let j = i + 2;
    while (j < n && /[0-9a-fA-F]/.test(text[j])) j++;
    tokens.push({ kind: 'long', text: text.slice(i, j), num: parseInt(text.slice(i + 2, j), 16), pos: p });
    return j;
  }
  let j = i;
  let real = false;
  while (j < n && isDigit(text[j])) j++;
  if (text[j] === '.' && isDigit(text[j + 1] ?? '')) {
    real = true;
    j++;
    while (j < n && isDigit(text[j])) j++;
  } else if (text[j] === '.' && text[j + 1] !== '.' && !isIdentStart(text[j + 1] ?? '')) {
    real = true;
    j++;
  }
  if (
    (text[j] === 'e' || text[j] === 'E') &&
    (isDigit(text[j + 1] ?? '') || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text[j + 2] ?? '')))
  ) {
    real = true;
    j += 2;
    while (j < n && isDigit(text[j])) j++;
  }
  const numText = text.slice(i, j);
  const value = Number(numText);
  if (isIdentStart(text[j] ?? '')) {
    let k = j;
    while (k < n && isIdentPart(text[k])) k++;
    const unit = text.slice(j, k);
    const ms = timespanUnitMs(unit);
    if (ms === undefined) throw errorAt(`bad numeric literal '${text.slice(i, k)}'`, p);
    tokens.push({ kind: 'timespan', text: text.slice(i, k), num: value * ms, pos: p });
    return k;
  }
  tokens.push({ kind: real ? 'real' : 'long', text: numText, num: value, pos: p });
  return j;
}
