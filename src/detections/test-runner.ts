import { runQuery } from '../kql';
import { hitToAlert } from './hit-to-alert';
import { buildRunQuery, triggerFires } from './run-query';
import { cellText } from './row-values';
import { buildTestTables, tableSource } from './test-tables';
import type { Detection, DetectionTestCase } from './types';

export interface TestOutcome {
  detectionId: string;
  detectionName: string;
  file: string;
  testCase: string;
  passed: boolean;
  /** Expected hits that the query did not return. */
  missed: string[];
  /** Rows the query returned that were not expected hits (listed misses or unlisted rows). */
  unexpected: string[];
  /** Why the case could not be evaluated, or a hit that could not become an alert. */
  error?: string;
  /** The query as run, for diagnosing a failure. */
  query?: string;
}

export interface RunTestsOptions {
  /** As configured (INGESTION_DELAY_ALLOWANCE); default 48h, the configuration default. */
  delayAllowanceMs?: number;
}

function caseWindow(c: DetectionTestCase, ingestion: Date[]): { start: Date; end: Date } {
  if (c.window) return c.window;
  const times = ingestion.map((d) => d.getTime());
  // The window is (start, end]: start just before the earliest row.
  return { start: new Date(Math.min(...times) - 1000), end: new Date(Math.max(...times)) };
}

function runCase(detection: Detection, c: DetectionTestCase, opts: RunTestsOptions): TestOutcome {
  const base = { detectionId: detection.id, detectionName: detection.name, file: detection.file, testCase: c.name };
  let query: string | undefined;
  try {
    const tables = buildTestTables(c.tables);
    const window = caseWindow(
      c,
      tables.flatMap((t) => t.ingestionTimes ?? []),
    );
    const run = buildRunQuery(
      detection,
      { ingestStart: window.start, ingestEnd: window.end },
      { delayAllowanceMs: opts.delayAllowanceMs ?? 48 * 3_600_000 },
    );
    query = run.query;
    const result = runQuery(run.query, tableSource(tables), { now: c.now ?? window.end, timespan: run.timespan });
    const keyIndex = result.columns.findIndex((col) => col.name === c.key);
    if (keyIndex < 0) {
      return {
        ...base,
        passed: false,
        missed: [...c.hits],
        unexpected: [],
        error: `the result has no key column ${c.key} (columns: ${result.columns.map((x) => x.name).join(', ')})`,
        query,
      };
    }
    const rows = triggerFires(detection, result.rows.length) ? result.rows : [];
    const errors: string[] = [];
    for (const cells of rows) {
      const row = Object.fromEntries(result.columns.map((col, i) => [col.name, cells[i]]));
      try {
        hitToAlert(detection, row, 'test');
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    const got = new Set(rows.map((cells) => cellText(cells[keyIndex])));
    const missed = c.hits.filter((k) => !got.has(k));
    const unexpected = [...got].filter((k) => !c.hits.includes(k));
    const error = errors.length > 0 ? errors[0] : undefined;
    return { ...base, passed: missed.length === 0 && unexpected.length === 0 && error === undefined, missed, unexpected, error, query };
  } catch (err) {
    return { ...base, passed: false, missed: [...c.hits], unexpected: [], error: err instanceof Error ? err.message : String(err), query };
  }
}

/** Runs each of the rule's own test cases through buildRunQuery and the embedded KQL engine. */
export function runDetectionTests(detection: Detection, opts: RunTestsOptions = {}): TestOutcome[] {
  return detection.firstwatch.tests.map((c) => runCase(detection, c, opts));
}

/** A failed outcome in one line, for test output and the CLI. */
export function describeOutcome(o: TestOutcome): string {
  if (o.passed) return `ok   ${o.file} › ${o.testCase}`;
  const parts = [
    o.missed.length > 0 ? `missed ${o.missed.join(', ')}` : '',
    o.unexpected.length > 0 ? `unexpected ${o.unexpected.join(', ')}` : '',
    o.error ?? '',
  ].filter((p) => p !== '');
  return `FAIL ${o.file} › ${o.testCase}: ${parts.join('; ')}`;
}
