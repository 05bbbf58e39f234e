/**
 * Text from people (notes, display names) and from log data shown as text:
 * never as formatting, mentions, links or extra lines, on every medium. Every
 * renderer's text helpers start here (text-limits' stripControl and oneLine,
 * Block Kit's escapeMrkdwn, Adaptive Cards' escapeMarkdown).
 */

/**
 * Characters that change how text reads without being seen: bidirectional
 * overrides and isolates (a file name that reads backwards), zero-width
 * spaces and joiners (a look-alike of a trusted name), invisible fillers.
 */

const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;

/** Each invisible character shown as its code point, "{U+202E}" (no character any medium formats), so a reader sees it is there. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `{U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** Control characters (except newline, carriage return and tab) would corrupt terminals and cards: shown as U+FFFD. */
export function replaceControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** Plain text: control characters replaced, invisible ones shown; on one line unless `multiline`. */
export function plainText(text: string, opts: { multiline?: boolean } = {}): string {
  const clean = showInvisible(replaceControl(text));
  return opts.multiline === true ? clean : clean.replace(/[\r\n\t]+/g, ' ');
}

/**
 * A note as one quoted line: its line breaks become " / ", so whatever it
 * says stays inside the quotes and cannot start a line of its own on a card.
 */
export function quotedNote(note: string): string {
  return `“${plainText(note.trim().replace(/\s*[\r\n]+\s*/g, ' / '))}”`;
}

/** Slack mrkdwn's emphasis characters and the look-alikes shown instead where they could open or close formatting. */
const MRKDWN_EMPHASIS: Readonly<Record<string, string>> = { '*': '\u2217', _: '\uff3f', '~': '\u223c', '`': '\u02cb' };

/**
 * Plain text for Slack mrkdwn. &, < and > are escaped (Slack reads them as
 * mentions, pings and links: `<@U1>`, `<!channel>`, `<url|text>`). Slack has
 * no escape for emphasis, so *, _, ~ and ` that could open or close it (at a
 * word's edge) are shown as look-alikes; inside a word ("first_last") they
 * cannot, and stay as typed.
 */
export function mrkdwnText(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/[*_~`]/g, (c, at: number, all: string) => {
    const before = all.charAt(at - 1);
    const after = all.charAt(at + 1);
    return WORD.test(before) && WORD.test(after) ? c : (MRKDWN_EMPHASIS[c] ?? c);
  });
}

const WORD = /^[\p{L}\p{N}]$/u;

/**
 * Plain text for Adaptive Card markdown (TextBlock, Fact values): the
 * characters that open links, emphasis, code and lists are backslash-escaped,
 * and so is the second brace of "{{", so text cannot become one of Teams'
 * {{DATE()}}/{{TIME()}} functions (the card's own times are added after this).
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>]/g, (c) => `\\${c}`)
    .replace(/\{(?=\{)/g, '{\\')
    .replace(/^(\s*)([-+]|\d+\.)(\s)/gm, (_m, space: string, mark: string, gap: string) => `${space}\\${mark}${gap}`);
}
