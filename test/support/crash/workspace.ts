import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateBehaviorAnalytics, generateSampleData, MANIFEST_FILE, PLANTED_FILE, writeTables } from '../../../src/workspace';

/**
 * The sample workspace plus `extraHits` first-time Run Command rows (the bulk
 * generator's hits, one per `hitEvery` rows), written where `firstwatch start`
 * reads its local workspace.
 */
export async function writeCrashWorkspace(dir: string, options: { seed: number; extraHits: number; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  const data = generateSampleData({ seed: options.seed, now, days: 1 });
  const hitEvery = 40;
  const bulk = generateBehaviorAnalytics(options.extraHits * hitEvery, { seed: options.seed + 1, now, spanHours: 6, hitEvery });
  const tables = data.tables.map((t) =>
    t.name === 'BehaviorAnalytics' && bulk.rows.length > 0
      ? { ...t, rows: [...t.rows, ...bulk.rows], ingestionTimes: [...t.ingestionTimes, ...bulk.ingestionTimes] }
      : t,
  );
  await writeTables(dir, tables);
  await writeFile(path.join(dir, PLANTED_FILE), JSON.stringify(data.planted, null, 2) + '\n');
  const manifest = { seed: options.seed, now: now.toISOString(), tables: Object.fromEntries(tables.map((t) => [t.name, t.rows.length])) };
  await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}
