import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { buildApp, type App } from '../../src/app/build';
import { runApp } from '../../src/app/run';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { generateWorkspace, serveWorkspace, type WorkspaceServer } from '../../src/workspace';
import { eventually } from '../chat/teams/eventually';

const ROOT = path.join(__dirname, '../..');

/** A stop aborts the poll queries in flight instead of waiting them out, and an aborted poll writes nothing. */
describe('stop with a query in flight', () => {
  let dir: string;
  let server: WorkspaceServer;
  let app: App | undefined;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-stop-'));
    await generateWorkspace({ dir: path.join(dir, 'ws'), now: new Date(), seed: 1, days: 2 });
    server = await serveWorkspace({ dir: path.join(dir, 'ws') });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('aborts the hanging query, stores no watermark and no alert, and logs the stop as such', async () => {
    // Every query hangs far longer than any stop budget; only an abort ends the poll.
    server.faults.next({ delayMs: 3_600_000 }, 20);
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const config = loadConfig(
      {
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        SQLITE_PATH: path.join(dir, 'fw.db'),
        PORT: '0',
        TEAMS_PLAYGROUND: 'false',
        CONSOLE_OUTPUT: 'true',
        WORKSPACES: 'contoso',
        WORKSPACE_CONTOSO_ID: server.workspaceIds[0] as string,
        WORKSPACE_CONTOSO_ENDPOINT: server.url,
        QUERY_MAX_RETRIES: '0',
      },
      { envFile: false },
    );
    app = await buildApp(config, { logger: createLogger('info', out), consoleOut: new PassThrough() });
    const running = await runApp(app);
    const built = app;
    // The start-up catch-up poll has reached the workspace and waits there.
    await eventually('a query to reach the workspace', () => (server.requests.some((r) => r.query !== undefined) ? true : undefined));

    await running.stop();
    await running.caughtUp;

    for (const d of built.detections) expect(await built.store.getWatermark('contoso', d.id)).toBeUndefined();
    expect(await built.store.listAlerts({ status: 'all', limit: 10 })).toEqual([]);
    expect(lines.some((l) => l.msg === 'poll stopped at shutdown; nothing stored, the next run reads this window')).toBe(true);
    // The stop is not a failure: no error line, and no stop budget ran out waiting for the poll.
    expect(lines.filter((l) => typeof l.level === 'number' && l.level >= 50)).toEqual([]);
    expect(lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('a poll was still running at stop'))).toBe(false);
  }, 60_000);
});
