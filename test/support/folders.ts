import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTestTables } from '../../src/detections/test-tables';
import { writeTables } from '../../src/workspace';
import { firstTimeRunCommand } from './hand-made-workspace';

/** Every file of a folder with a hash of its bytes. */
export async function fingerprintFolder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort())
    out[name] = createHash('sha256')
      .update(await readFile(path.join(dir, name)))
      .digest('hex');
  return out;
}

/** A folder of the user's own tables, as an export would leave it: no manifest. */
export async function userTables(dir: string, now: Date): Promise<void> {
  const row = firstTimeRunCommand(
    'user-r1',
    'carol@contoso.com',
    new Date(now.getTime() - 40 * 60_000),
    new Date(now.getTime() - 20 * 60_000),
  );
  await writeTables(
    dir,
    buildTestTables({ BehaviorAnalytics: { columns: {}, rows: [{ ...row, values: { Type: 'BehaviorAnalytics', ...row.values } }] } }).map(
      (t) => ({ ...t, ingestionTimes: t.ingestionTimes ?? [] }),
    ),
  );
}
