import { mrkdwnText, plainText } from '../plain-text';
import { oneLine, stripControl, truncate } from '../text-limits';

/** Block Kit limits (PLATFORM-NOTES and Slack's reference). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  /** msg_blocks_too_long appears somewhat above 13 k characters; keep a margin. */
  messageChars: 12_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  optionText: 75,
} as const;

export type SlackBlock = Record<string, unknown>;

/**
 * User-controlled text as plain text in mrkdwn: no mention, ping, link or
 * emphasis, no invisible character (see plain-text.ts). Line breaks are kept;
 * safeMrkdwn folds them where a value must stay on one line.
 */
export function escapeMrkdwn(text: string): string {
  return mrkdwnText(plainText(text, { multiline: true }));
}

/**
 * User-controlled text for mrkdwn: cut visibly to `max` characters after
 * escaping, without splitting an entity (&amp; …) in two.
 */
export function safeMrkdwn(text: string, max: number, multiline = false): string {
  const clean = multiline ? stripControl(text) : oneLine(text);
  const escaped = escapeMrkdwn(clean);
  if (escaped.length <= max) return escaped;
  let cut = truncate(escaped, max);
  const amp = cut.lastIndexOf('&', cut.length - 1);
  if (amp >= 0 && amp >= cut.length - 6 && !cut.slice(amp, cut.length - 1).includes(';')) cut = cut.slice(0, amp) + '…';
  return cut;
}

/** Plain text (headers, buttons, modal titles): no mrkdwn, only the length limit. */
export function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(oneLine(text), max), emoji: true };
}

/** A mrkdwn text object whose content is already safe; verbatim stops Slack auto-linking names and channels. */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) };
}

/**
 * Lines under a bold heading, as one section no longer than the section limit;
 * lines that do not fit are counted in a visible "…and N more".
 */
export function listSection(
  title: string,
  lines: string[],
  moreWhat: string,
  budget: number = SLACK_LIMITS.sectionText,
): SlackBlock | undefined {
  if (lines.length === 0) return undefined;
  let text = `*${title}*`;
  let shown = 0;
  for (const line of lines) {
    const reserve = `\n…and ${lines.length} more ${moreWhat}`.length;
    if (text.length + 1 + line.length + reserve > budget) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) text += `\n…and ${lines.length - shown} more ${moreWhat}`;
  return section(text);
}

/** The size Slack judges a message by (its blocks as JSON). */
export function blocksChars(blocks: SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}
