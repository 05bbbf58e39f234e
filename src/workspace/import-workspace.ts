import { access, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, TABLE_FILE_SUFFIX, WorkspaceDataError } from './files/format';
import { importExport, type ImportedTable } from './files/import';
import { writeTables } from './files/write';

const EXPORTS = new Set(['.csv', '.json']);

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The export files a path names: the file itself, or a folder's *.csv and *.json. */
async function exportFiles(from: string): Promise<string[]> {
  let info;
  try {
    info = await stat(from);
  } catch (err) {
    throw new WorkspaceDataError(from, 0, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!info.isDirectory()) return [from];
  return (await readdir(from))
    .filter((n) => EXPORTS.has(path.extname(n).toLowerCase()))
    .sort()
    .map((n) => path.join(from, n));
}

/**
 * Loads Log Analytics exports into the local workspace folder `dir`, one table per file.
 * Everything is read and checked before anything is written: a bad file, a table already in
 * the folder, or a folder of FirstWatch's sample data changes nothing.
 */
export async function importWorkspaceTables(sources: readonly string[], dir: string): Promise<ImportedTable[]> {
  const files = (await Promise.all(sources.map(exportFiles))).flat();
  if (files.length === 0) throw new Error(`no .csv or .json exports in ${sources.join(', ')}`);
  const tables: ImportedTable[] = [];
  for (const file of files) tables.push(importExport(file, await readFile(file, 'utf8')));
  const seen = new Set<string>();
  for (const t of tables) {
    if (seen.has(t.name)) throw new Error(`two exports are named for table ${t.name}: give each table one file`);
    seen.add(t.name);
  }
  if (await exists(path.join(dir, MANIFEST_FILE))) {
    throw new Error(`${dir} holds FirstWatch's sample data (${MANIFEST_FILE}): import into an empty folder or one of your own tables`);
  }
  for (const t of tables) {
    const target = path.join(dir, `${t.name}${TABLE_FILE_SUFFIX}`);
    if (await exists(target))
      throw new Error(`${target} already exists: FirstWatch does not write over a table it did not make (remove it first to replace it)`);
  }
  await writeTables(dir, tables);
  return tables;
}
