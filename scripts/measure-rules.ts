/**
 * How many rule files in a folder load, run on the sample workspace, and can alert.
 *
 *   npx tsx scripts/measure-rules.ts <folder> [--verbose]
 *
 * The folder is read as it is (rules copied from elsewhere stay outside the repository).
 * "loads": the file parses as a rule. "runs": its query runs on a freshly generated sample
 * workspace over the rule's own period. "can alert": its rows become alerts; when the sample
 * data holds nothing for it, a row with a value in every result column becomes an alert
 * (the result has what the pipeline needs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRunQuery, hitToAlert, parseDetection, type Detection } from '../src/detections';
import { runQuery, type Column, type Table, type TableSource } from '../src/kql';
import { generateSampleData } from '../src/workspace';

interface Outcome {
  file: string;
  loads: boolean;
  runs: boolean;
  rows: number;
  alerts: 'fires' | 'shape' | 'no';
  why: string;
}

function sampleValue(c: Column): unknown {
  switch (c.type) {
    case 'datetime':
      return new Date('2026-11-27T12:00:00Z');
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
      return 1;
    case 'bool':
      return true;
    case 'dynamic':
      return ['x'];
    default:
      return `${c.name}-value`;
  }
}

function alertsFrom(d: Detection, columns: Column[], rows: unknown[][]): string | undefined {
  for (const cells of rows.slice(0, 50)) {
    const row = Object.fromEntries(columns.map((c, i) => [c.name, cells[i]]));
    try {
      hitToAlert(d, row, 'measure');
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
  return undefined;
}

function measure(file: string, text: string, source: TableSource, now: Date): Outcome {
  const out: Outcome = { file, loads: false, runs: false, rows: 0, alerts: 'no', why: '' };
  let d: Detection;
  try {
    d = parseDetection(text, file).detection;
    out.loads = true;
  } catch (err) {
    out.why = err instanceof Error ? err.message : String(err);
    return out;
  }
  try {
    const run = buildRunQuery(d, { ingestStart: new Date(now.getTime() - d.queryFrequencyMs), ingestEnd: now }, { clockSkewMs: 0 });
    const result = runQuery(run.query, source, { now, timespan: run.timespan });
    out.runs = true;
    out.rows = result.rows.length;
    if (result.rows.length > 0) {
      const err = alertsFrom(d, result.columns, result.rows);
      if (err === undefined) out.alerts = 'fires';
      else out.why = err;
    } else {
      const err = alertsFrom(d, result.columns, [result.columns.map(sampleValue)]);
      if (err === undefined) out.alerts = 'shape';
      else out.why = err;
    }
  } catch (err) {
    out.why = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  }
  return out;
}

function main(): number {
  const [dir, ...flags] = process.argv.slice(2);
  if (dir === undefined) {
    process.stderr.write('usage: tsx scripts/measure-rules.ts <folder of rule .yaml files> [--verbose]\n');
    return 2;
  }
  const verbose = flags.includes('--verbose');
  const now = new Date();
  const data = generateSampleData({ now, seed: 1 });
  const tables = new Map<string, Table>(data.tables.map((t) => [t.name, t]));
  const source: TableSource = { getTable: (name) => tables.get(name) };
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  const outcomes = files.map((f) => measure(f, readFileSync(join(dir, f), 'utf8'), source, now));
  for (const o of outcomes) {
    const state = !o.loads
      ? 'LOAD-FAIL'
      : !o.runs
        ? 'RUN-FAIL '
        : o.alerts === 'no'
          ? 'NO-ALERT '
          : o.alerts === 'fires'
            ? 'FIRES    '
            : 'SHAPE-OK ';
    process.stdout.write(
      `${state} ${o.file}${o.runs ? ` (${o.rows} rows)` : ''}${o.why !== '' && (verbose || o.alerts === 'no') ? `\n          ${o.why.slice(0, 300)}` : ''}\n`,
    );
  }
  const n = outcomes.length;
  const pct = (k: number) => (n === 0 ? '0' : ((100 * k) / n).toFixed(0));
  const loads = outcomes.filter((o) => o.loads).length;
  const runs = outcomes.filter((o) => o.runs).length;
  const alerts = outcomes.filter((o) => o.alerts !== 'no').length;
  const fires = outcomes.filter((o) => o.alerts === 'fires').length;
  process.stdout.write(
    `\n${n} files: ${loads} load (${pct(loads)} %), ${runs} run (${pct(runs)} %), ${alerts} can alert (${pct(alerts)} %; ${fires} return rows on the sample data)\n`,
  );
  return 0;
}

process.exitCode = main();
