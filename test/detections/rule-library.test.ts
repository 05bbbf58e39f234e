import path from 'node:path';
import { buildRunQuery, describeOutcome, hitToAlert, loadDetections, runDetectionTests } from '../../src/detections';
import { runQuery, type Table } from '../../src/kql';
import { generateSampleData } from '../../src/workspace';
import { kustoSyntaxErrors, loadKustoParser } from '../support/kusto-parser';

const LIBRARY = path.join(__dirname, '../../detections-library');
const library = loadDetections(LIBRARY);
const now = new Date('2026-11-27T12:00:00Z');
const sample = generateSampleData({ now, seed: 1 });
const tables = new Map<string, Table>(sample.tables.map((t) => [t.name, t]));
const workspace = { getTable: (name: string) => tables.get(name) };

beforeAll(() => loadKustoParser(), 120_000);

describe('the rule library', () => {
  it('holds at least 30 rules, every file loading', () => {
    expect(library.rejected.map((e) => e.message)).toEqual([]);
    expect(library.length).toBeGreaterThanOrEqual(30);
  });
});

describe.each(library.map((d) => [path.relative(LIBRARY, d.file), d] as const))('detections-library/%s', (_file, detection) => {
  it('passes its own test cases, with hits and misses', () => {
    const cases = detection.firstwatch.tests;
    expect(cases.some((c) => c.hits.length > 0) && cases.some((c) => c.misses.length > 0)).toBe(true);
    expect(
      runDetectionTests(detection)
        .filter((o) => !o.passed)
        .map(describeOutcome),
    ).toEqual([]);
  });

  it("is valid KQL to Microsoft's parser", () => {
    expect(kustoSyntaxErrors(detection.query)).toEqual([]);
  });

  it('runs on the sample workspace, and whatever it returns becomes alerts', () => {
    const run = buildRunQuery(detection, { ingestStart: new Date(now.getTime() - detection.queryFrequencyMs), ingestEnd: now });
    const result = runQuery(run.query, workspace, { now, timespan: run.timespan });
    for (const cells of result.rows) {
      const row = Object.fromEntries(result.columns.map((c, i) => [c.name, cells[i]]));
      expect(() => hitToAlert(detection, row, 'sample', now)).not.toThrow();
    }
  });
});
