import path from 'node:path';
import { importWorkspaceTables } from '../workspace';
import { UsageError } from './args';

/** `firstwatch workspace import EXPORT... [--dir DIR]`: the user's own tables into a local workspace folder. */
export async function workspaceImport(exports: readonly string[], dir: string, out: NodeJS.WritableStream): Promise<number> {
  if (exports.length === 0)
    throw new UsageError('workspace import needs the exported files or a folder of them (CSV or JSON from Log Analytics)');
  const tables = await importWorkspaceTables(
    exports.map((e) => path.resolve(e)),
    dir,
  );
  for (const t of tables) out.write(`Imported ${t.name}: ${t.rows.length} row(s), ${t.columns.length} column(s) into ${dir}\n`);
  return 0;
}
