/**
 * Turns a chat message into the command text: drops leading bot mentions
 * (Teams "<at>FirstWatch</at>", Slack "<@U123>" / "<@U123|name>"), unwraps
 * Slack's auto-linked addresses ("<mailto:a@b.com|a@b.com>"), decodes the
 * three entities Slack and Teams escape (&amp; &lt; &gt;), turns non-breaking
 * spaces into spaces and trims.
 */
export function normalizeCommandText(text: string): string {
  let t = text.replace(/&nbsp;|\u00a0/g, ' ').trim();
  const mention = /^(?:<at>[^<]{0,200}<\/at>|<@[A-Z0-9]{1,40}(?:\|[^>]{0,200})?>)\s*/i;
  for (let m = mention.exec(t); m; m = mention.exec(t)) t = t.slice(m[0].length);
  t = t.replace(/<mailto:([^|<>\s]{1,300})\|[^<>]{0,300}>/gi, '$1');
  // &amp; last, so "&amp;lt;" stays the literal text "&lt;".
  t = t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return t.trim();
}

/** The first `count` whitespace-separated words, and the rest of the text as typed (for notes). */
export function splitWords(text: string, count: number): { words: string[]; rest: string } {
  const words: string[] = [];
  let rest = text.trim();
  while (words.length < count && rest.length > 0) {
    const m = /^(\S+)\s*/.exec(rest);
    if (!m) break;
    words.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return { words, rest };
}
