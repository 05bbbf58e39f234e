import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatReport, runDoctorFromEnv, type CheckResult } from '../../src/doctor';
import { loadDetections } from '../../src/detections';
import { Metrics } from '../../src/observability/metrics';
import { openSqliteStore } from '../../src/store';
import { generateWorkspace, serveWorkspace, type WorkspaceServer } from '../../src/workspace';

const ROOT = path.join(__dirname, '../..');
const NO_FILE = { envFile: false as const };
const HOUR = 3_600_000;
const TOKEN = 'metrics-token-for-tests-0123';

function line(results: CheckResult[], check: string): CheckResult {
  const found = results.find((r) => r.check === check);
  if (found === undefined) throw new Error(`no "${check}" line in:\n${formatReport(results)}`);
  return found;
}

describe('firstwatch doctor: per-workspace lag and throttling', () => {
  let dir: string;
  let workspace: WorkspaceServer;
  let metricsServer: Server;
  let env: Record<string, string>;
  const now = new Date();
  const detections = loadDetections(path.join(ROOT, 'detections'));
  const runCommand = detections.find((d) => d.slug === 'first-time-runcommand');
  const signins = detections.find((d) => d.slug === 'suspicious-signin-burst');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-doctor-lag-'));
    await generateWorkspace({ dir: path.join(dir, 'served'), now, seed: 3, days: 1 });
    workspace = await serveWorkspace({ dir: path.join(dir, 'served') });
    // The running instance's /metrics, as its own Metrics renders them.
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.workspaceThrottled.inc({ workspace: 'beta' }, 3);
    metrics.queryQueueWait.observe({ workspace: 'beta' }, 4);
    metrics.queryQueueWait.observe({ workspace: 'beta' }, 2);
    metricsServer = createServer((req, res) => {
      if (req.url !== '/metrics' || req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      void metrics.render().then((m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.body));
    });
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    env = {
      DETECTIONS_DIR: path.join(ROOT, 'detections'),
      SQLITE_PATH: path.join(dir, 'fw.db'),
      LOCAL_WORKSPACE_DIR: path.join(dir, 'embedded'),
      TEAMS_PLAYGROUND: 'false',
      WORKSPACES: 'acme,beta',
      WORKSPACE_ACME_ID: workspace.workspaceIds[0] as string,
      WORKSPACE_ACME_ENDPOINT: workspace.url,
      WORKSPACE_BETA_ID: workspace.workspaceIds[0] as string,
      WORKSPACE_BETA_ENDPOINT: workspace.url,
      HOST: '127.0.0.1',
      PORT: String((metricsServer.address() as AddressInfo).port),
      METRICS_TOKEN: TOKEN,
    };
  }, 60_000);

  afterAll(async () => {
    await workspace?.close();
    await new Promise((resolve) => metricsServer?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('says a workspace that was never polled, and which is behind its schedule and which is not, and its 429s', async () => {
    if (runCommand === undefined || signins === undefined) throw new Error('the repository rules are missing');
    const before = await runDoctorFromEnv(env, NO_FILE);
    expect(line(before, 'workspace acme lag')).toMatchObject({ verdict: 'skip', detail: expect.stringMatching(/not polled yet/) });

    const store = openSqliteStore(env.SQLITE_PATH as string);
    const polled = async (workspaceName: string, detectionId: string, at: Date): Promise<void> => {
      await store.recordPoll({ workspace: workspaceName, detectionId, watermark: at, alerts: [], targets: [] });
    };
    // acme: both rules polled within their schedule. beta: the hourly rule last finished five hours ago.
    await polled('acme', runCommand.id, new Date(now.getTime() - 20 * 60_000));
    await polled('acme', signins.id, new Date(now.getTime() - 10 * 60_000));
    await polled('beta', runCommand.id, new Date(now.getTime() - 5 * HOUR));
    await store.close();

    const results = await runDoctorFromEnv(env, NO_FILE);
    expect(line(results, 'workspace acme lag')).toMatchObject({ verdict: 'ok' });
    expect(line(results, 'workspace beta lag')).toMatchObject({
      verdict: 'warn',
      detail: expect.stringMatching(
        /^polled up to 5h ago .*first-time-runcommand \(every 1h\); not polled yet by suspicious-signin-burst$/,
      ),
      fix: expect.stringMatching(/"poll failed" with workspace beta/),
    });
    expect(line(results, 'workspace acme throttling')).toMatchObject({ verdict: 'ok', detail: 'no 429 since FirstWatch started' });
    expect(line(results, 'workspace beta throttling')).toMatchObject({
      verdict: 'warn',
      detail:
        "3 answer(s) 429 since FirstWatch started, each pausing this workspace's polls; its queries waited 3.0 s on average for the query limiter",
    });
  }, 60_000);

  it('says throttling is not known when no FirstWatch answers /metrics', async () => {
    const results = await runDoctorFromEnv({ ...env, METRICS_TOKEN: 'a-different-token-0123456' }, NO_FILE);
    expect(line(results, 'workspace throttling')).toMatchObject({
      verdict: 'skip',
      detail: expect.stringMatching(/^not known: no running FirstWatch answered http:\/\/127\.0\.0\.1:\d+\/metrics \(HTTP 401\)/),
    });
  }, 60_000);
});
