import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, PLANTED_FILE, TABLE_FILE_SUFFIX } from './files/format';
import { writeFileAtomic, writeTables } from './files/write';
import { generateSampleData, type SampleDataOptions } from './sample-data/generate';
import type { SampleIncident } from './sample-data/incidents';
import { SAMPLE_TABLE_COLUMNS } from './sample-data/schemas';
import type { PlantedCase } from './sample-data/planted';
import { startWorkspaceServer, type WorkspaceServer, type WorkspaceServerOptions } from './server/server';
import type { Clock } from '../time/clock';

export interface GenerateWorkspaceOptions extends SampleDataOptions {
  dir: string;
}

export interface WorkspaceManifest {
  seed: number;
  /** What the data is relative to (ISO 8601). */
  now: string;
  tables: Record<string, number>;
}

export interface GeneratedWorkspace {
  dir: string;
  manifest: WorkspaceManifest;
  planted: PlantedCase[];
}

/** Writes the sample workspace into `dir`: one NDJSON file per table, plus workspace.json and planted.json. */
export async function generateWorkspace(options: GenerateWorkspaceOptions): Promise<GeneratedWorkspace> {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') throw new Error('generateWorkspace needs a dir');
  const data = generateSampleData(options);
  await writeTables(options.dir, data.tables);
  const manifest: WorkspaceManifest = {
    seed: data.seed,
    now: data.now.toISOString(),
    tables: Object.fromEntries(data.tables.map((t) => [t.name, t.rows.length])),
  };
  await writeFileAtomic(path.join(options.dir, PLANTED_FILE), JSON.stringify(data.planted, null, 2) + '\n');
  await writeFileAtomic(path.join(options.dir, SAMPLE_INCIDENTS_FILE), JSON.stringify(data.incidents, null, 2) + '\n');
  // The manifest goes last: its presence means the folder is complete.
  await writeFileAtomic(path.join(options.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { dir: options.dir, manifest, planted: data.planted };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function isManifest(v: unknown): v is WorkspaceManifest {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    Number.isInteger(m.seed) &&
    typeof m.now === 'string' &&
    !Number.isNaN(Date.parse(m.now)) &&
    typeof m.tables === 'object' &&
    m.tables !== null
  );
}

/** The manifest of a generated workspace folder, or undefined when there is none. */
export async function readManifest(dir: string): Promise<WorkspaceManifest | undefined> {
  const file = path.join(dir, MANIFEST_FILE);
  if (!(await exists(file))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isManifest(parsed)) throw new Error(`${file}: expected {"seed": integer, "now": ISO datetime, "tables": {...}}`);
  return parsed;
}

/** The planted cases written beside a generated workspace, with their Dates restored. */
export async function readPlanted(dir: string): Promise<PlantedCase[]> {
  const file = path.join(dir, PLANTED_FILE);
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of planted cases`);
  return parsed.map((c: unknown, i: number) => {
    const rec = c as Record<string, unknown>;
    const tg = new Date(String(rec?.timeGenerated));
    const ing = new Date(String(rec?.ingestionTime));
    if (typeof rec?.sourceRecordId !== 'string' || Number.isNaN(tg.getTime()) || Number.isNaN(ing.getTime())) {
      throw new Error(`${file}: case #${i + 1} lacks sourceRecordId, timeGenerated or ingestionTime`);
    }
    return { ...(rec as unknown as PlantedCase), timeGenerated: tg, ingestionTime: ing };
  });
}

/** The sample Sentinel incidents as ARM resources, beside the tables (the local incident endpoints serve them). */
export const SAMPLE_INCIDENTS_FILE = 'sentinel-incidents.json';

/** The sample incidents written beside a generated workspace; none when the folder has no such file. */
export async function readSampleIncidents(dir: string): Promise<SampleIncident[]> {
  const file = path.join(dir, SAMPLE_INCIDENTS_FILE);
  if (!(await exists(file))) return [];
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of incidents`);
  return parsed.filter(
    (i): i is SampleIncident =>
      typeof i === 'object' &&
      i !== null &&
      typeof (i as SampleIncident).name === 'string' &&
      typeof (i as SampleIncident).properties === 'object',
  );
}

/** Regenerating stale data is prepareSampleWorkspace's, which keeps the folder's seed. */
export type EnsureSampleOptions = Omit<SampleDataOptions, 'now'>;

/**
 * Generates the sample workspace in `dir` (relative to the current time) unless one is already
 * there. A folder with a broken manifest, or with tables and no manifest, is left alone and reported.
 */
export async function ensureSampleWorkspace(
  dir: string,
  options: EnsureSampleOptions = {},
): Promise<{ dir: string; generated: boolean; manifest: WorkspaceManifest }> {
  const existing = await readManifest(dir);
  if (existing) return { dir, generated: false, manifest: existing };
  const tables = await tableFiles(dir);
  if (tables.length > 0)
    throw new Error(
      `${dir} holds tables FirstWatch did not make (${tables.join(', ')}) and no ${MANIFEST_FILE}: not writing sample data over them`,
    );
  const generated = await generateWorkspace({ ...options, dir });
  return { dir, generated: true, manifest: generated.manifest };
}

export interface ServeWorkspaceOptions {
  dir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  workspaceId?: string;
  requireBearer?: WorkspaceServerOptions['requireBearer'];
  /** What `now()` is for queries; default the system clock. */
  clock?: Clock;
  /** Row and size limits per result (default the service's 500,000 rows; size unlimited). */
  maxRows?: number;
  maxResultBytes?: number;
}

/** Serves the workspace folder over the Log Analytics query API (loopback unless told otherwise). */
export function serveWorkspace(options: ServeWorkspaceOptions): Promise<WorkspaceServer> {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') throw new Error('serveWorkspace needs a dir');
  return startWorkspaceServer({
    dir: options.dir,
    host: options.host,
    port: options.port,
    workspaceId: options.workspaceId,
    requireBearer: options.requireBearer,
    clock: options.clock,
    ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
    ...(options.maxResultBytes !== undefined ? { maxResultBytes: options.maxResultBytes } : {}),
  });
}

/** What a local workspace folder holds, and so what may be done to it. */
export type SamplePlan =
  /** Nothing to serve yet: sample data may be generated. */
  | { kind: 'generate' }
  /** FirstWatch's own sample data (its manifest lists exactly the folder's tables), older than allowed. */
  | { kind: 'refresh'; seed: number }
  /** FirstWatch's own sample data, fresh enough. */
  | { kind: 'existing' }
  /** Tables FirstWatch did not make (no manifest, or tables the manifest does not list): never written. */
  | { kind: 'user-data'; tables: string[] };

async function tableFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((n) => n.endsWith(TABLE_FILE_SUFFIX))
      .map((n) => n.slice(0, -TABLE_FILE_SUFFIX.length))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Reads `dir` and decides, without writing anything, what preparing it may do. Only a folder
 * whose manifest lists every table in it is FirstWatch's to regenerate.
 */
export async function planSampleWorkspace(dir: string, options: { freshForMs?: number; now?: Date } = {}): Promise<SamplePlan> {
  const tables = await tableFiles(dir);
  const manifest = await readManifest(dir);
  if (manifest === undefined) return tables.length === 0 ? { kind: 'generate' } : { kind: 'user-data', tables };
  const foreign = tables.filter((t) => !Object.prototype.hasOwnProperty.call(manifest.tables, t));
  if (foreign.length > 0) return { kind: 'user-data', tables };
  const age = (options.now ?? new Date()).getTime() - Date.parse(manifest.now);
  // Sample data made before a table joined the sample (SecurityIncident, say) is regenerated whatever its age.
  const outdated = Object.keys(SAMPLE_TABLE_COLUMNS).some((t) => !Object.prototype.hasOwnProperty.call(manifest.tables, t));
  if (!outdated && (options.freshForMs === undefined || age < options.freshForMs)) return { kind: 'existing' };
  return { kind: 'refresh', seed: manifest.seed };
}

/** 'temporary': a read-only run needed sample data and got it in a folder of its own, removed at close. */
export type PreparedWorkspace = 'generated' | 'refreshed' | 'existing' | 'user-data' | 'temporary';

/**
 * Makes `dir` hold data fit to serve now: sample data generated when the folder has no
 * tables, regenerated (same seed, so the same record ids) when it is FirstWatch's own and
 * older than `freshForMs`. A folder holding tables FirstWatch did not make is never written.
 */
export async function prepareSampleWorkspace(dir: string, options: { freshForMs?: number } = {}): Promise<PreparedWorkspace> {
  const plan = await planSampleWorkspace(dir, options);
  switch (plan.kind) {
    case 'generate':
      await generateWorkspace({ dir, now: new Date() });
      return 'generated';
    case 'refresh':
      await generateWorkspace({ dir, seed: plan.seed, now: new Date() });
      return 'refreshed';
    default:
      return plan.kind;
  }
}
