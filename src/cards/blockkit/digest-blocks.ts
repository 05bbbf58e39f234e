import { escapeMrkdwn } from './mrkdwn';
import { oneLine, truncate } from '../text-limits';
import { digestLines, digestTitle, type DigestView } from '../digest-view';

/** The digest as a Slack message: fallback text plus Block Kit. */
export function digestMessage(view: DigestView): { text: string; blocks: unknown[] } {
  const l = digestLines(view);
  const esc = (s: string, max = 300): string => escapeMrkdwn(truncate(oneLine(s), max));
  const first = [...l.first.map((f) => `• ${esc(f)}`), ...(l.more ? [esc(l.more)] : [])].join('\n');
  return {
    text: `⚠️ ${esc(digestTitle(view))}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`⚠️ ${digestTitle(view)}`, 150), emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Severity:* ${esc(l.severities)}\n*Top users:* ${esc(l.users, 1000)}\n*Top VMs:* ${esc(l.targets, 1000)}`,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`*First alerts*\n${first}`, 2900) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${esc(l.follow)} List them all: \`${view.listHint.slack}\`` }] },
    ],
  };
}
