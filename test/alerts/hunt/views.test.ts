/** The three hunt views: a valid Adaptive Card, Block Kit inside Slack's limits, readable text. */
import { BLOCK_LIMITS, huntBlocks, huntCard, huntText, sparkline } from '../../../src/cards';
import type { HuntReport } from '../../../src/alerts/types';
import { checkAdaptiveCard } from '../../cards/adaptive-validator';
import { NOW } from './fixtures';
import { aliceReport, CRAFTED, emptyReport, hugeReport } from './reports';

/** Every object in a JSON tree. */
function nodes(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) value.forEach((v) => nodes(v, out));
  else if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    Object.values(value).forEach((v) => nodes(v, out));
  }
  return out;
}

function allTexts(json: unknown): string[] {
  return nodes(json).flatMap((n) => (typeof n.text === 'string' ? [n.text] : []));
}

const REPORTS: [string, () => HuntReport][] = [
  ['ordinary', aliceReport],
  ['empty', emptyReport],
  ['huge and hostile', hugeReport],
];

describe('huntCard (Adaptive Card 1.5)', () => {
  it.each(REPORTS)('%s report: parses in the adaptivecards renderer with no warnings', (_name, make) => {
    const card = huntCard(make(), NOW);
    const check = checkAdaptiveCard(card);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
    expect(card.version).toBe('1.5');
    // Teams refuses cards above about 28 KB.
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
  });

  it('shows who, the period, totals, the timeline, first-time insights, actions, alerts and links', () => {
    const card = huntCard(aliceReport(), NOW);
    const text = allTexts(card).join('\n');
    expect(text).toContain('Hunt: Alice Johnson (alice@contoso.com)');
    expect(text).toContain('Last 7 days · 20 Nov 19:00 → 27 Nov 19:00 UTC');
    expect(text).toContain('10 events');
    expect(text).toContain('BehaviorAnalytics 1 · AzureActivity 3 · SigninLogs 5 · AuditLogs 1');
    expect(text).toContain(sparkline([0, 0, 2, 0, 1, 0, 3, 4]));
    expect(text).toContain('20 Nov → 27 Nov');
    expect(text).toContain('First time this user performed this action');
    expect(text).toContain('Run Command on Virtual Machine');
    expect(text).toContain('vm-web-01 (virtualmachines, rg-prod-web)');
    expect(text).toContain('91.1.123.184');
    expect(text).toContain('50126 Invalid credentials');
    expect(text).toContain('FW-12 First Run Command by alice@contoso.com on vm-web-01');
    expect(text).toContain('acknowledged');
    const actions = card.actions as { type: string; url: string }[];
    expect(actions.map((a) => a.type)).toEqual(['Action.OpenUrl', 'Action.OpenUrl']);
    expect(actions.map((a) => a.url)).toEqual([aliceReport().links.query, aliceReport().links.defenderUser]);
  });

  it('says plainly when nothing was found, and still lists links only when known', () => {
    const card = huntCard(emptyReport(), NOW);
    expect(allTexts(card)).toContain('No activity found for nobody@contoso.com in the last 7 days');
    expect(card.actions).toBeUndefined();
  });

  it('carries log data only in TextRuns, which Teams never reads as markdown', () => {
    const card = huntCard(aliceReport({ recent: [{ time: NOW, source: 'AuditLogs', action: CRAFTED, target: CRAFTED }] }), NOW);
    const all = nodes(card);
    const carriers = all.filter((n) => typeof n.text === 'string' && (n.text as string).includes('evil.example'));
    expect(carriers.length).toBeGreaterThan(0);
    expect(carriers.every((n) => n.type === 'TextRun')).toBe(true);
    // Control characters are replaced, newlines folded.
    expect(carriers.every((n) => !/[\u0007\n]/.test(n.text as string))).toBe(true);
  });
});

describe('huntBlocks (Slack Block Kit)', () => {
  it.each(REPORTS)("%s report: inside Slack's limits", (_name, make) => {
    const { text, blocks } = huntBlocks(make(), NOW);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(BLOCK_LIMITS.text);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
    for (const b of blocks) {
      if (b.type === 'header') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(150);
      if (b.type === 'section') {
        const t = b.text as { text: string } | undefined;
        if (t) expect(t.text.length).toBeLessThanOrEqual(3000);
        const fields = (b.fields as { text: string }[] | undefined) ?? [];
        expect(fields.length).toBeLessThanOrEqual(10);
        for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
      if (b.type === 'actions') {
        for (const e of b.elements as { text: { text: string }; url: string; action_id: string }[]) {
          expect(e.text.text.length).toBeLessThanOrEqual(75);
          expect(e.url.length).toBeLessThanOrEqual(3000);
          expect(e.action_id.length).toBeLessThanOrEqual(255);
        }
      }
    }
  });

  it('escapes & < > in data, so logs cannot mention a channel or forge a link', () => {
    const { text, blocks } = huntBlocks(hugeReport(), NOW);
    for (const t of [text, ...allTexts(blocks)]) {
      expect(t).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(allTexts(blocks).join('\n')).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('shows the same essentials as the card, and the link buttons', () => {
    const { text, blocks } = huntBlocks(aliceReport(), NOW);
    expect(text).toBe('Hunt: Alice Johnson (alice@contoso.com): 10 events in the last 7 days');
    const all = allTexts(blocks).join('\n');
    for (const s of [
      'First time this user performed this action',
      'Run Command on Virtual Machine',
      'Sign-in outcomes',
      '91.1.123.184',
      'FW-12',
      sparkline([0, 0, 2, 0, 1, 0, 3, 4]),
    ]) {
      expect(all).toContain(s);
    }
    const actions = blocks.find((b) => b.type === 'actions');
    expect((actions?.elements as { url: string }[]).map((e) => e.url)).toEqual([
      aliceReport().links.query,
      aliceReport().links.defenderUser,
    ]);
  });

  it('says plainly when nothing was found', () => {
    const { text, blocks } = huntBlocks(emptyReport(), NOW);
    expect(text).toBe('No activity found for nobody@contoso.com in the last 7 days');
    expect(allTexts(blocks).join('\n')).toContain('No activity found for nobody@contoso.com in the last 7 days');
  });
});

describe('huntText (console)', () => {
  it('reads as a table with the sparkline and the essentials', () => {
    const text = huntText(aliceReport());
    expect(text.split('\n')[0]).toBe('Hunt: Alice Johnson (alice@contoso.com)');
    expect(text).toContain(`Activity  ${sparkline([0, 0, 2, 0, 1, 0, 3, 4])}  20 Nov → 27 Nov (one bar per day, peak 4 on 27 Nov)`);
    expect(text).toMatch(/\n {2}Run Command on Virtual Machine +×1 · BehaviorAnalytics/);
    expect(text).toContain('FirstWatch alerts for this user');
    expect(text).toContain(`Open the user in Defender: ${aliceReport().links.defenderUser}`);
  });

  it('says plainly when nothing was found', () => {
    const text = huntText(emptyReport());
    expect(text).toContain('No activity found for nobody@contoso.com in the last 7 days');
    expect(text).not.toContain('Top actions');
  });

  it('keeps a huge report to a screenful of lines without control characters', () => {
    const text = huntText(hugeReport());
    expect(text.split('\n').length).toBeLessThan(80);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});

describe('sparkline', () => {
  it('one bar per day: ▁ for none, the busiest day █, any activity at least ▂', () => {
    expect(sparkline([0, 1, 50, 100])).toBe('▁▂▅█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
  });
});
