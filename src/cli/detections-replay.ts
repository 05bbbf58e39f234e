import { buildRunQuery, hitToAlert, triggerFires, type Detection } from '../detections';
import { runQuery, type Table } from '../kql';
import { readExportedTables } from '../workspace/files/exported';

/**
 * `detections test --data DIR`: the rules run over tables exported from Log Analytics, as they
 * would have run when the latest exported row arrived; prints what would have alerted. Returns
 * the number of rules that could not run.
 */
export async function replayExports(detections: readonly Detection[], dir: string, out: NodeJS.WritableStream): Promise<number> {
  const tables = await readExportedTables(dir);
  const byName = new Map<string, Table>(tables.map((t) => [t.name, t]));
  const source = { getTable: (name: string) => byName.get(name) };
  const times = tables.flatMap((t) => t.ingestionTimes.map((d) => d.getTime())).filter((ms) => ms > 0);
  if (times.length === 0) {
    out.write(`replay: no rows with a TimeGenerated in ${dir}\n`);
    return 0;
  }
  const end = new Date(Math.max(...times));
  const start = new Date(Math.min(...times) - 1000);
  out.write(`replay: ${tables.map((t) => `${t.name} (${t.rows.length} rows)`).join(', ')}; as of ${end.toISOString()}\n`);
  let failed = 0;
  for (const d of detections) {
    try {
      const run = buildRunQuery(d, { ingestStart: start, ingestEnd: end }, { clockSkewMs: 1000 });
      const result = runQuery(run.query, source, { now: end, timespan: run.timespan });
      const rows = triggerFires(d, result.rows.length) ? result.rows : [];
      out.write(`${rows.length > 0 ? 'would alert' : 'quiet      '}  ${d.file}: ${rows.length} hit(s)\n`);
      for (const cells of rows) {
        const alert = hitToAlert(d, Object.fromEntries(result.columns.map((c, i) => [c.name, cells[i]])), 'replay', end);
        const entities = alert.entities.map((e) => `${e.type} ${Object.values(e.fields).join('/')}`).join(', ');
        out.write(`    ${alert.eventTime.toISOString()}  ${alert.title}${entities !== '' ? `  [${entities}]` : ''}\n`);
      }
    } catch (err) {
      failed++;
      out.write(`cannot run  ${d.file}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed;
}
