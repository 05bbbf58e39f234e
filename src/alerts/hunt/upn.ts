/**
 * Strict validation of a user principal name typed into /hunt. The result is
 * embedded in a query (base64-encoded), so anything unusual is refused with a
 * message naming the character, rather than cleaned up.
 */
export type UpnCheck = { ok: true; upn: string } | { ok: false; reason: string };

const MAX_LENGTH = 254;
const MAX_LOCAL = 64;
const MAX_LABEL = 63;
const LOCAL_CHAR = /^[A-Za-z0-9._%+-]$/;
const DOMAIN_CHAR = /^[A-Za-z0-9.-]$/;
const UPN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `control character ${codePoint(ch)}`;
  if (/\s/u.test(ch)) return `whitespace ${codePoint(ch)}`;
  if (cp > 0x7f) return `non-ASCII character ${codePoint(ch)} (${ch}; look-alike letters are refused)`;
  return `character ${codePoint(ch)} (${ch})`;
}

export function validateUpn(input: unknown): UpnCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'a UPN must be text like alex@contoso.com' };
  const text = input.trim();
  if (text.length === 0) return { ok: false, reason: 'the UPN is empty; expected something like alex@contoso.com' };
  if (text.length > MAX_LENGTH) return { ok: false, reason: `the UPN is ${text.length} characters long; the limit is ${MAX_LENGTH}` };

  const at = text.indexOf('@');
  for (const [i, ch] of [...text].entries()) {
    if (ch === '@') continue;
    const allowed = at === -1 || i < at ? LOCAL_CHAR : DOMAIN_CHAR;
    if (!allowed.test(ch)) {
      const part = at === -1 || i < at ? 'the name part' : 'the domain';
      return { ok: false, reason: `${describeChar(ch)} is not allowed in ${part} of a UPN` };
    }
  }
  if (at === -1) return { ok: false, reason: 'a UPN needs an @ and a domain, like alex@contoso.com' };
  if (text.indexOf('@', at + 1) !== -1) return { ok: false, reason: 'a UPN has exactly one @' };

  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length === 0) return { ok: false, reason: 'the name part before @ is empty' };
  if (local.length > MAX_LOCAL) return { ok: false, reason: `the name part is ${local.length} characters; the limit is ${MAX_LOCAL}` };
  if (local.startsWith('.') || local.endsWith('.')) return { ok: false, reason: 'the name part may not start or end with a dot' };
  if (local.includes('..') || domain.includes('..')) return { ok: false, reason: 'a UPN may not contain two dots in a row' };
  if (domain.startsWith('.') || domain.endsWith('.')) return { ok: false, reason: 'the domain may not start or end with a dot' };
  const labels = domain.split('.');
  if (labels.length < 2) return { ok: false, reason: `the domain "${domain}" needs at least one dot, like contoso.com` };
  for (const label of labels) {
    if (label.length > MAX_LABEL) return { ok: false, reason: `the domain label "${label.slice(0, 20)}…" is longer than ${MAX_LABEL}` };
    if (label.startsWith('-') || label.endsWith('-'))
      return { ok: false, reason: `the domain label "${label}" may not start or end with a hyphen` };
  }
  // The character checks above imply this; kept as the single statement of the accepted shape.
  if (!UPN.test(text)) return { ok: false, reason: 'the UPN is not of the form name@domain.tld' };
  return { ok: true, upn: text.toLowerCase() };
}

export { parseLookback } from './lookback';
