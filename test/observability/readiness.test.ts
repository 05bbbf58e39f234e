import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app/build';
import { runApp, type Running } from '../../src/app/run';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logging/logger';
import { openPostgresStore } from '../../src/store';
import { dropSchema, freshSchema, PG_URL, withAdmin } from '../store/postgres-support';
import { request } from '../support/http-client';

const ROOT = path.join(__dirname, '../..');

interface Readiness {
  status: string;
  checks: { name: string; ok: boolean; detail?: string }[];
}

/** The store check on PostgreSQL: a dropped schema makes the process not ready, restoring it makes it ready again. */
describe('/readyz follows the store', () => {
  const schema = freshSchema('readyz');
  // The schema is chosen through the connection's search_path, as a deployment can.
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let dir: string;
  let app: App;
  let running: Running;

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE SCHEMA "${schema}"`));
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-readyz-'));
    const config = loadConfig(
      {
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        DATABASE_URL: url,
        LOCAL_WORKSPACE_DIR: path.join(dir, 'workspace'),
        PORT: '0',
        TEAMS_PLAYGROUND: 'false',
        CONSOLE_OUTPUT: 'false',
      },
      { envFile: false },
    );
    app = await buildApp(config, { logger: silentLogger() });
    running = await runApp(app);
    await running.caughtUp;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await app?.close();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  const readyz = async (): Promise<{ status: number; body: Readiness }> => {
    const answer = await request(running.http.url, { path: '/readyz' });
    return { status: answer.status, body: JSON.parse(answer.body) as Readiness };
  };

  it('is ready with the store reachable and every detection polled', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.checks.find((c) => c.name === 'store')?.ok).toBe(true);
    for (const d of app.detections) expect(body.checks.find((c) => c.name === `poll:${d.slug}`)?.ok).toBe(true);
  });

  it('turns 503 naming the store when its schema is gone, without a stack trace', async () => {
    await dropSchema(schema);
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.status).toBe('not ready');
    const store = body.checks.find((c) => c.name === 'store');
    expect(store?.ok).toBe(false);
    expect(store?.detail).toMatch(/unreachable: .*does not exist/);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  });

  it('recovers once the schema is back', async () => {
    await withAdmin((c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
    const restored = await openPostgresStore(url);
    await restored.close();
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.checks.find((c) => c.name === 'store')?.ok).toBe(true);
  });
});
