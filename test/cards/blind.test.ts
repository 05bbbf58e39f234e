import { blindCard, blindMessage, blindText, toBlindView } from '../../src/cards';
import { checkAdaptiveCard } from './adaptive-validator';
import { blockKitViolations, controlSequences, mrkdwnTexts } from './blockkit-limits';

const HOUR = 3_600_000;
const now = new Date('2026-11-20T15:00:00Z');
/** The reason is the service's words (or the log's): it must reach every surface as text. */
const hostile = 'HTTP 403 <!channel> *Forbidden* [click](https://evil.example) <@U0ADMIN> ' + 'x'.repeat(3000);
const view = toBlindView({
  detection: { name: 'First-time Run Command', slug: 'first-time-runcommand', queryFrequencyMs: HOUR },
  workspace: 'contoso',
  since: new Date('2026-11-20T12:55:00Z'),
  now,
  reason: hostile,
  window: { start: new Date('2026-11-20T12:45:00Z'), end: now },
});

describe('the blind-detection report', () => {
  it('says which rule, where, since when, for how long against its frequency, and why', () => {
    const text = blindText(view);
    expect(text).toContain('Detection blind: First-time Run Command in contoso');
    expect(text).toContain('since 12:55 UTC (125 min; it runs every 1 h)');
    expect(text).toContain('Not read: 12:45 UTC – 15:00 UTC (by ingestion time)');
    expect(text).toContain('Rule: first-time-runcommand');
    expect(text).toContain('npx firstwatch doctor');
    expect(text.length).toBeLessThan(2000);
  });

  it('is a valid Adaptive Card 1.5 that shows the reason as text', () => {
    const card = blindCard(view);
    const report = checkAdaptiveCard(card);
    expect(report.parseEvents).toEqual([]);
    expect(report.validationEvents).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('[click](https://evil.example)');
    expect(json).toContain('Detection blind: First-time Run Command in contoso');
  });

  it('is Block Kit within its limits with no mention, ping or link from the reason', () => {
    const message = blindMessage(view);
    expect(blockKitViolations(message.blocks as Record<string, unknown>[])).toEqual([]);
    for (const t of [message.text, ...mrkdwnTexts(message.blocks)]) expect(controlSequences(t)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('Forbidden');
  });
});
