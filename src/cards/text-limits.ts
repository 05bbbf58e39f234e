import { plainText } from './plain-text';

export const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 units, ending visibly with "…". Never
 * splits a surrogate pair, so the result is always valid text.
 */
export function truncate(text: string, max: number): string {
  if (max < 1) return '';
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/** Control characters (except newline, carriage return and tab) shown as U+FFFD, invisible ones (bidi, zero-width) as "[U+202E]". */
export function stripControl(text: string): string {
  return plainText(text, { multiline: true });
}

/** One line: control characters replaced, invisible ones shown, newlines and tabs folded to spaces. */
export function oneLine(text: string): string {
  return plainText(text);
}

/** Keeps the first `max` items; `more` says how many were left out. */
export function takeFirst<T>(items: readonly T[], max: number): { items: T[]; more: number } {
  return { items: items.slice(0, Math.max(0, max)), more: Math.max(0, items.length - Math.max(0, max)) };
}
