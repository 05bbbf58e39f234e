import { stringify } from 'yaml';
import { buildRunQuery, loadDetections, parseDetection, triggerFires, type Detection } from '../../src/detections';
import { kustoSemanticErrors, kustoSyntaxErrors } from '../support/kusto-parser';
import { baseRule, REPO_DETECTIONS } from './fixtures';

const H = 3_600_000;
const window = { ingestStart: new Date('2026-11-27T12:00:00Z'), ingestEnd: new Date('2026-11-27T13:00:00Z') };

function detection(overrides: Record<string, unknown>): Detection {
  return parseDetection(stringify(baseRule(overrides)), 'r.yaml').detection;
}

const nativeRule = detection({
  queryPeriod: '2h',
  query: 'BehaviorAnalytics\n| where ingestion_time() > _fw_window_start and ingestion_time() <= _fw_window_end',
  firstwatch: { window: 'ingestion-time' },
});
const importedRule = detection({ queryPeriod: '2h', query: 'SigninLogs\n| where TimeGenerated > ago(2h)' });

describe('buildRunQuery for a FirstWatch (ingestion-time) rule', () => {
  const run = buildRunQuery(nativeRule, window, { delayAllowanceMs: 6 * H, clockSkewMs: 0 });

  it('prepends the window as let statements and keeps the query text', () => {
    expect(run.query).toBe(
      'let _fw_window_start = datetime(2026-11-27T12:00:00.000Z);\n' +
        'let _fw_window_end = datetime(2026-11-27T13:00:00.000Z);\n' +
        nativeRule.query,
    );
  });

  it('looks back queryPeriod plus the delay allowance on TimeGenerated', () => {
    expect(run.timespan.start.toISOString()).toBe('2026-11-27T04:00:00.000Z');
    expect(run.timespan.end.toISOString()).toBe('2026-11-27T13:00:00.000Z');
  });

  it('reaches past the window end by the clock-skew allowance (5 minutes by default)', () => {
    expect(buildRunQuery(nativeRule, window).timespan.end.toISOString()).toBe('2026-11-27T13:05:00.000Z');
    expect(buildRunQuery(nativeRule, window).timespan.start.toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('buildRunQuery for a rule imported unchanged', () => {
  it('leaves the text untouched and queries the last queryPeriod', () => {
    const run = buildRunQuery(importedRule, window, { delayAllowanceMs: 6 * H, clockSkewMs: 0 });
    expect(run.query).toBe(importedRule.query);
    expect(run.timespan).toEqual({ start: new Date('2026-11-27T11:00:00Z'), end: new Date('2026-11-27T13:00:00Z') });
  });
});

describe('buildRunQuery input checks', () => {
  it.each([
    ['start after end', { ingestStart: window.ingestEnd, ingestEnd: window.ingestStart }, /must be before ingestEnd/],
    ['invalid date', { ingestStart: new Date('x'), ingestEnd: window.ingestEnd }, /ingestStart must be a valid Date/],
  ])('rejects %s', (_label, w, message) => {
    expect(() => buildRunQuery(nativeRule, w)).toThrow(message);
  });

  it('rejects a negative allowance', () => {
    expect(() => buildRunQuery(nativeRule, window, { delayAllowanceMs: -1 })).toThrow(/delayAllowanceMs/);
  });
});

describe('shipped rules pass Microsoft KQL parser as they will run', () => {
  const shipped = loadDetections(REPO_DETECTIONS);

  it('ships at least the two rules', () => {
    expect(shipped.map((d) => d.slug)).toEqual(expect.arrayContaining(['first-time-runcommand', 'suspicious-signin-burst']));
  });

  it.each(shipped.map((d) => [d.slug, d] as const))('%s has no syntax errors with the FirstWatch prelude', (_slug, d) => {
    const run = buildRunQuery(d, window, { delayAllowanceMs: 6 * H });
    expect(kustoSyntaxErrors(run.query)).toEqual([]);
    // Every table, column and function it names exists in Sentinel's schema too.
    expect(kustoSemanticErrors(run.query)).toEqual([]);
  });
});

describe('triggerFires', () => {
  it.each([
    ['gt', 0, 1, true],
    ['gt', 0, 0, false],
    ['lt', 3, 2, true],
    ['lt', 3, 3, false],
    ['eq', 2, 2, true],
    ['ne', 2, 2, false],
  ] as const)('%s %d with %d rows → %s', (op, threshold, rows, fires) => {
    expect(triggerFires({ triggerOperator: op, triggerThreshold: threshold }, rows)).toBe(fires);
  });
});
