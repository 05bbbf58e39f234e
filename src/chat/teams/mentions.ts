const ENTITIES: Readonly<Record<string, string>> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The command in a Teams message: every `<at>…</at>` mention removed (in a
 * channel the bot is only addressed by one), the few HTML entities Teams
 * puts in plain text decoded, whitespace collapsed.
 */
export function commandText(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .replace(/<at[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/\s+/g, ' ')
    .trim();
}
