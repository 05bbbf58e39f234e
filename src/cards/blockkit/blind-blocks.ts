import { mrkdwn, plain, safeMrkdwn, section } from './mrkdwn';
import { blindLines, blindTitle, type BlindView } from '../blind-view';

/** The blind-detection report as a Slack message: fallback text plus Block Kit. */
export function blindMessage(view: BlindView): { text: string; blocks: unknown[] } {
  const l = blindLines(view);
  const lines = [
    `*Blind:* ${safeMrkdwn(l.since, 300)}`,
    `*Why:* ${safeMrkdwn(l.reason, 1000)}`,
    ...(l.window !== undefined ? [`*Not read:* ${safeMrkdwn(l.window, 300)}`] : []),
    `*Rule:* ${safeMrkdwn(view.detectionSlug, 200)}`,
  ];
  return {
    text: safeMrkdwn(`⚠️ ${blindTitle(view)}`, 300),
    blocks: [
      { type: 'header', text: plain(`⚠️ ${blindTitle(view)}`, 150) },
      section(lines.join('\n')),
      { type: 'context', elements: [mrkdwn(safeMrkdwn(l.follow, 300))] },
    ],
  };
}
