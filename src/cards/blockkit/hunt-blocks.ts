/**
 * The hunt as Slack Block Kit. Every piece of data is escaped (& < >) so log content
 * cannot mention a channel or forge a link, and every size stays inside Slack's limits
 * (50 blocks, 3,000 characters per text, 10 fields, 150 for a header, 75 per button).
 */
import type { HuntReport } from '../../alerts/types';
import { truncate } from '../text-limits';
import { huntModel, SHRINKING_LIMITS, type HuntLine, type HuntModel } from '../hunt-view';

export type Block = Record<string, unknown>;

export const BLOCK_LIMITS = {
  blocks: 50,
  text: 3000,
  header: 150,
  fields: 10,
  field: 2000,
  button: 75,
  url: 3000,
  message: 12_000,
} as const;

/** Slack's three control characters in mrkdwn and plain_text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped text without leaving half an entity (&am…) behind. */
function fit(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const cut = truncate(escaped, max);
  return cut.replace(/&[a-z]{0,4}…$/, '…');
}

function mrkdwn(text: string): Block {
  return { type: 'mrkdwn', text: fit(text, BLOCK_LIMITS.text) };
}

function lineText(line: HuntLine): string {
  const flag = line.flag ? `  ${escapeSlack(line.flag)}` : '';
  return `• *${escapeSlack(line.label)}*  ${escapeSlack(line.detail)}${flag}`;
}

function listSection(title: string, lines: HuntLine[], more: number): Block[] {
  if (lines.length === 0) return [];
  const rows = lines.map(lineText);
  if (more > 0) rows.push(`_and ${more} more_`);
  return [{ type: 'section', text: mrkdwn(`*${title}*\n${rows.join('\n')}`) }];
}

function fieldsSection(groups: { title: string; lines: HuntLine[]; more: number }[]): Block[] {
  const fields = groups
    .filter((g) => g.lines.length > 0)
    .slice(0, BLOCK_LIMITS.fields)
    .map((g) => {
      const rows = g.lines.map((l) => `${escapeSlack(l.label)} ${escapeSlack(l.detail)}${l.flag ? ` ${escapeSlack(l.flag)}` : ''}`);
      if (g.more > 0) rows.push(`_and ${g.more} more_`);
      return { type: 'mrkdwn', text: fit(`*${g.title}*\n${rows.join('\n')}`, BLOCK_LIMITS.field) };
    });
  return fields.length ? [{ type: 'section', fields }] : [];
}

function buildBlocks(m: HuntModel): Block[] {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(m.title, BLOCK_LIMITS.header), emoji: false } },
    { type: 'context', elements: [mrkdwn(`${escapeSlack(m.period)} · ${escapeSlack(m.workspaces)}`)] },
    ...(m.missing ? [{ type: 'context', elements: [mrkdwn(`Not in the workspace (not hunted): ${escapeSlack(m.missing)}`)] }] : []),
  ];
  if (m.empty) {
    blocks.push({ type: 'section', text: mrkdwn(`*${escapeSlack(m.emptyMessage)}*`) });
  } else {
    blocks.push(
      { type: 'section', text: mrkdwn(`*${escapeSlack(m.total)}*  ${escapeSlack(m.sources.join(' · '))}`) },
      // The bars are ours (▁…█), never data: safe inside a code span.
      {
        type: 'section',
        text: mrkdwn(`\`${m.timeline.bars}\`\n${escapeSlack(m.timeline.range)} · one bar per day · ${escapeSlack(m.timeline.peak)}`),
      },
      ...listSection('First-time and uncommon', m.insights, m.more.insights),
      ...listSection('Top actions', m.actions, m.more.actions),
      ...fieldsSection([
        { title: 'Resources touched', lines: m.resources, more: m.more.resources },
        { title: 'Source IPs', lines: m.ips, more: m.more.ips },
        { title: 'Sign-in outcomes', lines: m.signIns, more: m.more.signIns },
      ]),
      ...listSection('Most recent', m.recent, m.more.recent),
    );
  }
  blocks.push(...listSection('FirstWatch alerts for this user', m.alerts, m.more.alerts));
  const buttons = m.links
    .filter((l) => l.url.length <= BLOCK_LIMITS.url)
    .map((l, i) => ({
      type: 'button',
      action_id: `hunt_link_${i}`,
      text: { type: 'plain_text', text: truncate(l.label, BLOCK_LIMITS.button) },
      url: l.url,
    }));
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return blocks.slice(0, BLOCK_LIMITS.blocks);
}

/** Block Kit for a hunt report, plus the notification text Slack shows where blocks cannot be. */
export function huntBlocks(report: HuntReport, now: Date): { text: string; blocks: Block[] } {
  let m = huntModel(report, now);
  let blocks = buildBlocks(m);
  for (const limits of SHRINKING_LIMITS.slice(1)) {
    if (JSON.stringify(blocks).length <= BLOCK_LIMITS.message) break;
    m = huntModel(report, now, limits);
    blocks = buildBlocks(m);
  }
  const text = fit(escapeSlack(m.empty ? m.emptyMessage : `${m.title}: ${m.total} in the last ${m.span}`), BLOCK_LIMITS.text);
  return { text, blocks };
}
