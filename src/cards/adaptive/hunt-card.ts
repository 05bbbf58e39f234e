/**
 * The hunt as an Adaptive Card 1.5 (Teams). Data from the logs travels only in
 * RichTextBlock TextRuns, which are never read as markdown, so a crafted app name or
 * resource id cannot turn into a link or formatting.
 */
import type { HuntReport } from '../../alerts/types';
import { huntModel, SHRINKING_LIMITS, type HuntLine, type HuntModel } from '../hunt-view';

type Json = Record<string, unknown>;

function run(text: string, style: Json = {}): Json {
  return { type: 'TextRun', text, ...style };
}

function rich(inlines: Json[], extra: Json = {}): Json {
  return { type: 'RichTextBlock', inlines, ...extra };
}

function heading(text: string): Json {
  return { type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true, spacing: 'Medium', separator: true };
}

function lineBlock(line: HuntLine): Json {
  const inlines = [run(line.label, { weight: 'Bolder' }), run(`  ${line.detail}`, { isSubtle: true })];
  if (line.flag) inlines.push(run(`  ${line.flag}`, { color: 'Warning' }));
  return rich(inlines, { spacing: 'Small' });
}

function section(title: string, lines: HuntLine[], more: number): Json[] {
  if (lines.length === 0) return [];
  const out = [heading(title), ...lines.map(lineBlock)];
  if (more > 0) out.push(rich([run(`and ${more} more`, { isSubtle: true, italic: true })], { spacing: 'Small' }));
  return out;
}

function body(m: HuntModel): Json[] {
  const out: Json[] = [
    {
      type: 'Container',
      style: 'emphasis',
      bleed: true,
      items: [
        rich([run(m.title, { size: 'Large', weight: 'Bolder' })]),
        rich([run(m.period, { isSubtle: true })], { spacing: 'Small' }),
        rich([run(`Workspaces: ${m.workspaces}`, { isSubtle: true })], { spacing: 'None' }),
        ...(m.missing ? [rich([run(`Not in the workspace (not hunted): ${m.missing}`, { isSubtle: true })], { spacing: 'None' })] : []),
      ],
    },
  ];
  if (m.empty) {
    out.push(rich([run(m.emptyMessage, { weight: 'Bolder' })], { spacing: 'Medium' }));
  } else {
    out.push(
      rich([run(m.total, { weight: 'Bolder' }), run(`  ${m.sources.join(' · ')}`, { isSubtle: true })], { spacing: 'Medium' }),
      rich([run(m.timeline.bars, { fontType: 'Monospace', size: 'Large' })], { spacing: 'Small' }),
      rich([run(`${m.timeline.range} · one bar per day · ${m.timeline.peak}`, { isSubtle: true })], { spacing: 'None' }),
      ...section('First-time and uncommon', m.insights, m.more.insights),
      ...section('Top actions', m.actions, m.more.actions),
      ...section('Resources touched', m.resources, m.more.resources),
      ...section('Source IPs', m.ips, m.more.ips),
      ...section('Sign-in outcomes', m.signIns, m.more.signIns),
      ...section('Most recent', m.recent, m.more.recent),
    );
  }
  out.push(...section('FirstWatch alerts for this user', m.alerts, m.more.alerts));
  return out;
}

/** Adaptive Card 1.5 JSON for a hunt report; `now` makes times relative to the reader. */
export function huntCard(report: HuntReport, now: Date): Json {
  let card = build(huntModel(report, now));
  // Teams refuses cards above about 28 KB: shorter lists until it fits.
  for (const limits of SHRINKING_LIMITS.slice(1)) {
    if (Buffer.byteLength(JSON.stringify(card), 'utf8') <= CARD_MAX_BYTES) break;
    card = build(huntModel(report, now, limits));
  }
  return card;
}

/** Below Teams' ~28 KB message limit, with room for the activity envelope. */
export const CARD_MAX_BYTES = 24_000;

function build(m: HuntModel): Json {
  const card: Json = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: m.empty ? m.emptyMessage : `${m.title}: ${m.total} in the last ${m.span}`,
    // The timeline and resource names read better at the conversation's full width.
    msteams: { width: 'Full' },
    body: body(m),
  };
  if (m.links.length > 0) card.actions = m.links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url }));
  return card;
}
