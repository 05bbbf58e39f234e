/**
 * The workspace thread: prepares the sample folder, serves it on loopback and
 * loads the tables after it listens. KQL evaluation is synchronous, so it runs
 * here, off the bot's event loop: a hunt over the embedded workspace never
 * delays a button click.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import {
  generateWorkspace,
  planSampleWorkspace,
  prepareSampleWorkspace,
  readSampleIncidents,
  type PreparedWorkspace,
} from '../local-workspace';
import { LOCAL_SENTINEL_WORKSPACE } from '../sample-data/incidents';
import { SentinelIncidentStandIn } from '../server/sentinel-incidents';
import { startWorkspaceServer, type WorkspaceServer } from '../server/server';
import { isThreadRequest, type ThreadEvent, type ThreadStart } from './messages';

function post(event: ThreadEvent): void {
  parentPort?.postMessage(event);
}

async function main(start: ThreadStart): Promise<void> {
  const { dir, prepared, cleanup } = await prepare(start);
  const t0 = performance.now();
  const server: WorkspaceServer = await startWorkspaceServer({
    dir,
    host: start.host,
    port: start.port,
    loadInBackground: true,
    incidents: await localIncidents(dir),
  });
  parentPort?.on('message', (m: unknown) => {
    if (!isThreadRequest(m)) return;
    void server.close().finally(async () => {
      await cleanup();
      post({ kind: 'closed' });
      parentPort?.close();
    });
  });
  post({ kind: 'listening', url: server.url, host: server.host, port: server.port, workspaceIds: server.workspaceIds, prepared });
  try {
    await server.loaded;
    // Parsing leaves several times the tables' size in garbage; with --expose-gc, hand it back now rather than whenever V8 gets to it.
    (globalThis as { gc?: () => void }).gc?.();
    post({ kind: 'loaded', ms: performance.now() - t0 });
  } catch (err) {
    post({ kind: 'load-failed', message: (err as Error).message });
  }
}

/** Sentinel's incident endpoints for the embedded workspace, knowing the sample incidents (none for a user's own tables). */
async function localIncidents(dir: string): Promise<SentinelIncidentStandIn> {
  const standIn = new SentinelIncidentStandIn(() => new Date());
  const ws = LOCAL_SENTINEL_WORKSPACE;
  standIn.addWorkspace(ws.subscriptionId, ws.resourceGroup, ws.workspaceName);
  for (const incident of await readSampleIncidents(dir))
    standIn.seed(ws.subscriptionId, ws.resourceGroup, ws.workspaceName, incident.name, incident.properties);
  return standIn;
}

/** The folder to serve. A read-only run that needs sample data generates it in a folder of its own. */
async function prepare(start: ThreadStart): Promise<{ dir: string; prepared: PreparedWorkspace; cleanup: () => Promise<void> }> {
  const none = async (): Promise<void> => undefined;
  if (start.readOnly !== true)
    return { dir: start.dir, prepared: await prepareSampleWorkspace(start.dir, { freshForMs: start.freshForMs }), cleanup: none };
  const plan = await planSampleWorkspace(start.dir, { freshForMs: start.freshForMs });
  if (plan.kind !== 'generate' && plan.kind !== 'refresh') return { dir: start.dir, prepared: plan.kind, cleanup: none };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'firstwatch-sample-'));
  await generateWorkspace({ dir, now: new Date(), ...(plan.kind === 'refresh' ? { seed: plan.seed } : {}) });
  return { dir, prepared: 'temporary', cleanup: () => rm(dir, { recursive: true, force: true }) };
}

main(workerData as ThreadStart).catch((err: unknown) => {
  post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  parentPort?.close();
});
