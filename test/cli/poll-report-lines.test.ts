import { pollReportLines } from '../../src/cli/poll-report';
import type { PollOutcome } from '../../src/poller/poller';

const base: PollOutcome = {
  detectionId: 'd1',
  workspace: 'acme',
  ok: true,
  window: { start: new Date('2026-11-27T11:00:00Z'), end: new Date('2026-11-27T12:00:00Z') },
  hits: 2,
  created: [],
  durationMs: 5,
};

describe('the lines poll --once prints for one run', () => {
  it('say how many late hits were found and whether they alerted, and why the enrichment was missing', () => {
    const lines = pollReportLines(
      'rule',
      { ...base, late: { hits: 3, alerted: false }, enrichmentUnavailable: 'AzureActivity not available in this workspace' },
      false,
    );
    expect(lines).toEqual([
      'rule on acme: 2 hit(s), 0 new alert(s)',
      '  3 hit(s) among rows that arrived later than the look-back: not alerted (LATE_ROWS=count)',
      '  enrichment unavailable: AzureActivity not available in this workspace',
    ]);
    expect(pollReportLines('rule', { ...base, late: { hits: 1, alerted: true } }, false)[1]).toBe(
      '  1 hit(s) among rows that arrived later than the look-back: alerted too (LATE_ROWS=alert)',
    );
  });

  it('say nothing of late hits when there were none', () => {
    expect(pollReportLines('rule', { ...base, late: { hits: 0, alerted: false } }, false)).toEqual([
      'rule on acme: 2 hit(s), 0 new alert(s)',
    ]);
  });
});
