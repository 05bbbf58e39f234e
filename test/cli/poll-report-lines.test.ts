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

  it('tell a refused query, which fails every run, from a failure the next run retries', () => {
    const failed = { ...base, ok: false, hits: 0 };
    expect(pollReportLines('rule', { ...failed, error: 'service unavailable', errorKind: 'unavailable' }, false)).toEqual([
      'rule on acme: FAILED: service unavailable (nothing stored; the next run covers this window again)',
    ]);
    const [missing] = pollReportLines('rule', { ...failed, error: "unknown table 'SecurityEvent' at 1:1", errorKind: 'bad-query' }, false);
    expect(missing).toContain('every run fails alike until the rule or the workspace changes');
    expect(missing).toContain('this workspace has no SecurityEvent table');
    expect(missing).toContain('firstwatch workspace import');
    expect(missing).not.toContain('the next run covers this window again');
    const [refused] = pollReportLines('rule', { ...failed, error: "unsupported function 'gettype' at 2:5", errorKind: 'bad-query' }, false);
    expect(refused).toMatch(/every run fails alike until the rule or the workspace changes\)$/);
  });
});
