import { markdownText } from '../plain-text';
import { oneLine, stripControl, truncate } from '../text-limits';

/** One Adaptive Card element, action or card, as plain JSON. */
export type AcObject = Record<string, unknown>;

export const SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_VERSION = '1.5';

/**
 * TextBlock and Fact values are markdown in Teams. Backslash-escaping the
 * characters that open links and emphasis keeps a user-controlled string
 * (a UPN, a note, a custom detail) from turning into a link or formatting.
 */
export function escapeMarkdown(text: string): string {
  return markdownText(text);
}

/** User-controlled text for a TextBlock or Fact: control characters removed, cut visibly, escaped. */
export function safeText(text: string, max: number, multiline = false): string {
  return escapeMarkdown(truncate(multiline ? stripControl(text) : oneLine(text), max));
}

export function card(body: AcObject[], actions: AcObject[], fallbackText: string): AcObject {
  const c: AcObject = {
    type: 'AdaptiveCard',
    $schema: SCHEMA_URL,
    version: CARD_VERSION,
    fallbackText: truncate(oneLine(fallbackText), 300),
    // Teams reads this to let the card use the whole message width.
    msteams: { width: 'Full' },
    body,
  };
  if (actions.length > 0) c.actions = actions;
  return c;
}

export function textBlock(text: string, props: AcObject = {}): AcObject {
  return { type: 'TextBlock', text, wrap: true, ...props };
}

export function heading(text: string): AcObject {
  return textBlock(text, { weight: 'Bolder', spacing: 'Medium', style: 'heading', size: 'Default' });
}

export function factSet(facts: { title: string; value: string }[]): AcObject {
  return { type: 'FactSet', facts };
}

/**
 * Label and value rows that wrap. A FactSet lays out as a table whose value
 * column grows with its longest word, so a long resource id or operation path
 * is clipped at the card's edge; a stretch column is as wide as the card
 * allows and its text wraps, even inside a long word.
 */
export function factRows(facts: { title: string; value: string }[], labelWidth: string): AcObject {
  return {
    type: 'Container',
    items: facts.map((f, i) => ({
      type: 'ColumnSet',
      ...(i === 0 ? {} : { spacing: 'Small' }),
      columns: [
        { type: 'Column', width: labelWidth, items: [textBlock(f.title, { weight: 'Bolder' })] },
        { type: 'Column', width: 'stretch', items: [textBlock(f.value)] },
      ],
    })),
  };
}

/** A 1.5 Table; the first row is the header (the schema's default for firstRowAsHeader). Empty cells need text: pass "—". */
export function table(headers: string[], rows: string[][], widths: number[]): AcObject {
  const cell = (text: string, header: boolean): AcObject => ({
    type: 'TableCell',
    items: [textBlock(text, header ? { weight: 'Bolder' } : {})],
  });
  return {
    type: 'Table',
    columns: widths.map((width) => ({ width })),
    showGridLines: false,
    rows: [headers, ...rows].map((cells, i) => ({ type: 'TableRow', cells: cells.map((c) => cell(c, i === 0)) })),
  };
}

/** UTF-8 size of the JSON Teams will receive (its message limit is about 28 KB). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
