import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceDataError } from './format';
import { importExport, type ImportedTable } from './import';

/**
 * The table a file holds, from its name: `SigninLogs.csv`, or a dated part of a longer export
 * (`SigninLogs_2026-11-27.csv`, `SigninLogs_2.json`): a trailing `_` and digits-first suffix is not
 * part of the name, so `Custom_CL.csv` stays `Custom_CL`.
 */
export function tableNameOf(file: string): string {
  const base = path.basename(file, path.extname(file));
  return base.replace(/_\d[\w-]*$/, '');
}

/**
 * Every *.csv and *.json export in `dir`, read for replaying rules offline, each file through the
 * same reader `workspace import` uses (so types, times and errors are the same); several files of
 * one table are appended, and a column typed differently in two of them is an error.
 */
export async function readExportedTables(dir: string): Promise<ImportedTable[]> {
  const files = (await readdir(dir)).filter((f) => /\.(csv|json)$/i.test(f)).sort();
  if (files.length === 0) throw new WorkspaceDataError(dir, 0, 'no .csv or .json exports in the folder');
  const byName = new Map<string, { table: ImportedTable; typedIn: Map<string, string> }>();
  for (const f of files) {
    const table = importExport(f, await readFile(path.join(dir, f), 'utf8'), tableNameOf(f));
    const prior = byName.get(table.name);
    if (prior === undefined) byName.set(table.name, { table, typedIn: new Map(table.columns.map((c) => [c.name, f])) });
    else appendTable(prior, table, f);
  }
  return [...byName.values()].map((e) => e.table);
}

/** `typedIn`: the file each column's type was first read from, to name it when another disagrees. */
function appendTable(
  { table: into, typedIn }: { table: ImportedTable; typedIn: Map<string, string> },
  more: ImportedTable,
  file: string,
): void {
  for (const c of more.columns) {
    const known = into.columns.find((p) => p.name === c.name);
    if (known === undefined) {
      into.columns.push(c);
      typedIn.set(c.name, file);
      for (const r of into.rows) r[c.name] = null;
    } else if (known.type !== c.type) {
      throw new WorkspaceDataError(
        file,
        0,
        `column ${c.name} reads as ${c.type} here but as ${known.type} in ${typedIn.get(c.name) ?? 'an earlier file'}`,
      );
    }
  }
  for (const r of more.rows) into.rows.push(Object.fromEntries(into.columns.map((c) => [c.name, r[c.name] ?? null])));
  into.ingestionTimes.push(...more.ingestionTimes);
}
