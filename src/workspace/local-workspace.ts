import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, PLANTED_FILE } from './files/format';
import { writeFileAtomic, writeTables } from './files/write';
import { generateSampleData, type SampleDataOptions } from './sample-data/generate';
import type { PlantedCase } from './sample-data/planted';
import { startWorkspaceServer, type WorkspaceServer, type WorkspaceServerOptions } from './server/server';

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

/** Generates the sample workspace in `dir` unless one is already there (used by `npm start`). */
export async function ensureSampleWorkspace(dir: string, options: Omit<SampleDataOptions, 'now'> = {}): Promise<{ dir: string; generated: boolean; manifest: WorkspaceManifest }> {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (await exists(manifestFile)) {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as WorkspaceManifest;
    return { dir, generated: false, manifest };
  }
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
  });
}
