/**
 * `firstwatch detections export`: a rule written for FirstWatch's ingestion window goes back to
 * Sentinel as plain Sentinel form, so it can be pasted into an analytics rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { exportRule } from '../../src/cli/detections';
import { parseCommandLine, UsageError } from '../../src/cli/args';
import { loadConfig } from '../../src/config';
import { loadDetections, parseDetection } from '../../src/detections';
import { exportSentinelRule, sentinelQuery } from '../../src/detections/export';
import { compileQuery } from '../../src/kql';

const DIR = path.join(__dirname, '../../detections');
const shipped = loadDetections(DIR).filter((d) => d.firstwatch.window === 'ingestion-time');

test('the shipped rules include at least one that uses the ingestion window', () => {
  expect(shipped.length).toBeGreaterThan(0);
});

describe.each(shipped.map((d) => [d.slug, d] as const))('%s exported', (_slug, detection) => {
  const source = readFileSync(detection.file, 'utf8');
  const exported = exportSentinelRule(source, detection);
  const rule = parse(exported) as Record<string, unknown>;
  const original = parse(source) as Record<string, unknown>;

  test('has no firstwatch key and no window names left', () => {
    expect(rule.firstwatch).toBeUndefined();
    expect(exported).not.toMatch(/_fw_window_(start|end)/);
  });

  test("bounds the query by Sentinel's own look-back, the rule's queryPeriod", () => {
    expect(rule.query).toContain(`TimeGenerated > ago(${detection.queryPeriod})`);
    // ingestion_time() may still be projected (the card shows the delay); it must no longer bound the window.
    expect(rule.query).not.toMatch(/ingestion_time\(\)\s*(>|<|between)/);
  });

  test('keeps every other Sentinel field as written', () => {
    const { firstwatch: _dropped, query: _q, ...rest } = original;
    const { query: _q2, ...exportedRest } = rule;
    expect(exportedRest).toEqual(rest);
  });

  test('is valid KQL and loads as a plain Sentinel rule', () => {
    expect(() => compileQuery(String(rule.query))).not.toThrow();
    const reparsed = parseDetection(exported, `${detection.slug}.yaml`).detection;
    expect(reparsed.firstwatch.window).toBe('query-period');
    expect(reparsed.id).toBe(detection.id);
  });
});

test('other uses of the window names stay valid through lets bound to the look-back', () => {
  const text = sentinelQuery('SigninLogs\n| where ingestion_time() between (_fw_window_start .. _fw_window_end)', '2h');
  expect(text.startsWith('let _fw_window_start = ago(2h);\nlet _fw_window_end = now();\n')).toBe(true);
  expect(() => compileQuery(text)).not.toThrow();
});

test('a rule without the window is exported with its query unchanged', () => {
  expect(sentinelQuery('SigninLogs | where TimeGenerated > ago(1h)', '1h')).toBe('SigninLogs | where TimeGenerated > ago(1h)');
});

describe('the command', () => {
  const config = loadConfig({ DETECTIONS_DIR: DIR }, { envFile: false });
  const run = (argv: string[]): string => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    const invocation = parseCommandLine(argv);
    if (invocation.kind !== 'run' || invocation.command !== 'detections export') throw new Error(`not an export: ${argv.join(' ')}`);
    exportRule(config, invocation.positionals[0] ?? '', invocation.options.string('format'), out);
    return text;
  };
  const first = shipped[0]!;

  test('writes the rule by file name or id, or only its query', () => {
    expect(parse(run(['detections', 'export', first.slug])).id).toBe(first.id);
    expect(run(['detections', 'export', first.id])).toBe(run(['detections', 'export', first.slug]));
    expect(run(['detections', 'export', first.slug, '--format', 'query'])).toBe(`${sentinelQuery(first.query, first.queryPeriod)}\n`);
  });

  test('names what is wrong', () => {
    expect(() => run(['detections', 'export', 'no-such-rule'])).toThrow(UsageError);
    expect(() => run(['detections', 'export'])).toThrow(/needs RULE/);
    expect(() => run(['detections', 'export', first.slug, '--format', 'json'])).toThrow(/yaml or query/);
    expect(() => run(['detections', 'import'])).toThrow(/needs 'list' or 'test' or 'export', not 'import'/);
    expect(() => run(['detections', 'export', 'a', 'b'])).toThrow(/takes RULE/);
  });
});
