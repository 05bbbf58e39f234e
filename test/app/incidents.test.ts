import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { buildApp, type App } from '../../src/app/build';
import { SENTINEL_INCIDENT_DETECTION_ID } from '../../src/alerts/incident-origin';
import type { Actor, Alert } from '../../src/alerts/types';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logging/logger';
import { generateWorkspace, readSampleIncidents } from '../../src/workspace/local-workspace';
import { LOCAL_SENTINEL_WORKSPACE as WS } from '../../src/workspace/sample-data/incidents';
import type { SampleIncident } from '../../src/workspace/sample-data/incidents';
import { SentinelIncidentStandIn } from '../../src/workspace/server/sentinel-incidents';
import { startWorkspaceServer, type WorkspaceServer } from '../../src/workspace/server/server';

/**
 * Sentinel incidents through the wired app (buildApp, as `start` builds it): the real
 * LogsQueryClient reads SecurityIncident/SecurityAlert from the local workspace server, the
 * real ARM incidents client writes to the local incident endpoints on the same server, and
 * cards go to the console platform.
 */

const ROOT = path.join(__dirname, '../..');
const RESOURCE_ID = `/subscriptions/${WS.subscriptionId}/resourceGroups/${WS.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${WS.workspaceName}`;
const ALICE: Actor = { platform: 'teams', id: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', displayName: 'Alice', email: 'alice@contoso.com' };
const BOB: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob', email: 'bob@contoso.com' };

let wsDir: string;
let sample: SampleIncident[];

beforeAll(async () => {
  wsDir = await mkdtemp(path.join(os.tmpdir(), 'fw-incidents-'));
  await generateWorkspace({ dir: path.join(wsDir, 'ws'), now: new Date(), seed: 1, days: 1 });
  sample = await readSampleIncidents(path.join(wsDir, 'ws'));
}, 120_000);
afterAll(async () => {
  await rm(wsDir, { recursive: true, force: true });
});

interface Rig {
  app: App;
  standIn: SentinelIncidentStandIn;
  server: WorkspaceServer;
  /** Everything the console platform wrote. */
  out: () => string;
  db: string;
  close(): Promise<void>;
}

let counter = 0;

async function startRig(env: Record<string, string>, reuse?: { standIn: SentinelIncidentStandIn; db: string }): Promise<Rig> {
  let standIn = reuse?.standIn;
  if (standIn === undefined) {
    standIn = new SentinelIncidentStandIn(() => new Date());
    standIn.addWorkspace(WS.subscriptionId, WS.resourceGroup, WS.workspaceName);
    for (const i of sample) standIn.seed(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, i.name, i.properties);
  }
  const server = await startWorkspaceServer({ dir: path.join(wsDir, 'ws'), incidents: standIn });
  const db = reuse?.db ?? path.join(wsDir, `fw-${++counter}.db`);
  const config = loadConfig(
    {
      DETECTIONS_DIR: path.join(ROOT, 'detections'),
      SQLITE_PATH: db,
      TEAMS_PLAYGROUND: 'false',
      LOG_ANALYTICS_WORKSPACE_ID: server.workspaceIds[0] as string,
      LOG_ANALYTICS_ENDPOINT: server.url,
      WORKSPACE_RESOURCE_ID: RESOURCE_ID,
      SENTINEL_ARM_ENDPOINT: server.url.replace(/\/v1$/, ''),
      QUERY_MAX_RETRIES: '0',
      ...env,
    },
    { envFile: false },
  );
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const app = await buildApp(config, { logger: silentLogger(), consoleOut: stream });
  return {
    app,
    standIn,
    server,
    db,
    out: () => text,
    close: async () => {
      await app.close();
      await server.close();
    },
  };
}

/** One pass of the incident loop (what `start` runs every INCIDENT_POLL_INTERVAL), then the cards. */
async function incidentPass(rig: Rig): Promise<void> {
  const sync = rig.app.incidents?.sync;
  if (sync === undefined) throw new Error('the app follows no incidents');
  await sync.runOnce();
  await rig.app.dispatcher.drainUntilIdle();
}

async function pollRules(rig: Rig): Promise<void> {
  for (const detection of rig.app.detections) {
    for (const outcome of await rig.app.poller.runDetection(detection)) expect(outcome).toMatchObject({ ok: true });
  }
  await rig.app.dispatcher.drainUntilIdle();
}

/** Waits (without a timed assertion) until `probe` holds; fails naming `what` after many tries. */
async function until(what: string, probe: () => boolean | Promise<boolean>, tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const peek = (rig: Rig, name: string) => rig.standIn.peek(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, name);

async function all(rig: Rig): Promise<Alert[]> {
  return rig.app.store.listAlerts({ status: 'all', limit: 1000 });
}

/** How many cards were posted for this alert (a post prints its header; a redraw prints "[FW-n] status"). */
function cardsFor(rig: Rig, alertId: string): number {
  return rig
    .out()
    .split('\n')
    .filter((l) => new RegExp(`^\\[[A-Z]+\\] ${alertId} · `).test(l)).length;
}

async function incidentAlert(rig: Rig, name: string): Promise<Alert> {
  const id = await rig.app.store.alertForIncident('local', name);
  const alert = id === undefined ? undefined : await rig.app.store.getAlert(id);
  if (alert === undefined) throw new Error(`no alert for incident ${name}`);
  return alert;
}

describe('Sentinel incidents as the source (ALERT_SOURCE=incidents)', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ ALERT_SOURCE: 'incidents', WORKSPACE_NAME: 'local' });
  });
  afterEach(async () => rig.close());

  it('posts each new incident as one card with what the incident carries, and nothing again on the next pass', async () => {
    await incidentPass(rig);
    await incidentPass(rig);
    const alerts = await all(rig);
    expect(alerts).toHaveLength(sample.length);
    expect(alerts.every((a) => a.detectionId === SENTINEL_INCIDENT_DETECTION_ID)).toBe(true);
    for (const a of alerts) expect(cardsFor(rig, a.id)).toBe(1);
    const first = await incidentAlert(rig, sample[0]?.name as string);
    expect(first.title).toBe(sample[0]?.properties.title);
    expect(first.details).toMatchObject({ 'Sentinel incident': '#1', 'Status in Sentinel': 'New', 'Owner in Sentinel': 'unassigned' });
    expect(first.tactics.length).toBeGreaterThan(0);
    expect(first.techniques.length).toBeGreaterThan(0);
    expect(first.entities.some((e) => e.type === 'Account')).toBe(true);
    expect(first.subject.upn).toMatch(/@contoso\.com$/);
    expect(rig.out()).toContain('Incident in Sentinel');
    expect(rig.out()).toContain(`Microsoft_Azure_Security_Insights/Incident${RESOURCE_ID}/providers/Microsoft.SecurityInsights/Incidents/`);
  });

  it('runs no rules of its own on the workspace', async () => {
    await pollRules(rig);
    await incidentPass(rig);
    expect((await all(rig)).every((a) => a.detectionId === SENTINEL_INCIDENT_DETECTION_ID)).toBe(true);
  });

  it('acknowledging sets the incident Active with the responder as owner and a comment naming who and where', async () => {
    await incidentPass(rig);
    const name = sample[0]?.name as string;
    const alert = await incidentAlert(rig, name);
    expect((await rig.app.alerts.acknowledge(alert.id, ALICE, 'teams:19:sec')).outcome).toBe('allowed');
    await incidentPass(rig);
    const seen = peek(rig, name);
    expect(seen?.incident.properties).toMatchObject({
      status: 'Active',
      owner: { objectId: ALICE.id, userPrincipalName: 'alice@contoso.com' },
    });
    expect(seen?.comments.map((c) => c.properties.message)).toEqual([
      expect.stringMatching(/^Acknowledged in Teams by alice@contoso\.com/),
    ]);
    // Our own write comes back through the portal follower: nothing moves, nothing is written twice.
    await incidentPass(rig);
    expect(rig.standIn.writes.filter((w) => w.path.toLowerCase().endsWith(name))).toHaveLength(1);
  });

  it('resolving as false positive closes the incident with the classification and reason', async () => {
    await incidentPass(rig);
    const name = sample[1]?.name as string;
    const alert = await incidentAlert(rig, name);
    expect((await rig.app.alerts.resolve(alert.id, BOB, 'slack:C0SEC', 'false_positive', 'test VM')).outcome).toBe('allowed');
    await incidentPass(rig);
    expect(peek(rig, name)?.incident.properties).toMatchObject({
      status: 'Closed',
      classification: 'FalsePositive',
      classificationReason: 'IncorrectAlertLogic',
      owner: { userPrincipalName: 'bob@contoso.com' },
    });
    expect(peek(rig, name)?.incident.properties.classificationComment).toContain('Resolved in Slack by bob@contoso.com as FalsePositive');
  });

  it('a close made in the portal comes back and redraws the card', async () => {
    await incidentPass(rig);
    const name = sample[2]?.name as string;
    const alert = await incidentAlert(rig, name);
    rig.standIn.portalEdit(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, name, {
      status: 'Closed',
      classification: 'BenignPositive',
      classificationReason: 'SuspiciousButExpected',
      owner: { userPrincipalName: 'carol@contoso.com' },
    });
    await incidentPass(rig);
    const after = await rig.app.store.getAlert(alert.id);
    expect(after).toMatchObject({ status: 'resolved', classification: 'benign_positive' });
    expect(after?.lastChange?.actor.displayName).toBe('Sentinel portal (carol@contoso.com)');
    expect(rig.out()).toContain(`[${alert.id}] Resolved`);
    expect(rig.out()).toContain(`[${alert.id}] ↳ Closed in the Sentinel portal by carol@contoso.com.`);
    // Coming back is not written back again.
    expect(rig.standIn.writes.filter((w) => w.path.toLowerCase().includes(name))).toHaveLength(0);
  });

  it('a stale etag is reconciled: the analyst edit made meanwhile is kept and the chat decision applied on top', async () => {
    await incidentPass(rig);
    const name = sample[3]?.name as string;
    const alert = await incidentAlert(rig, name);
    let raced = false;
    rig.standIn.onRead = (read) => {
      if (raced || read !== name) return;
      raced = true;
      rig.standIn.portalEdit(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, name, { severity: 'High' });
    };
    await rig.app.alerts.acknowledge(alert.id, ALICE, 'teams:19:sec');
    await incidentPass(rig);
    expect(raced).toBe(true);
    expect(peek(rig, name)?.incident.properties).toMatchObject({ status: 'Active', severity: 'High', owner: { objectId: ALICE.id } });
    expect(await rig.app.store.getIncidentLink(alert.id)).toMatchObject({ writtenVersion: 2, lastOutcome: 'written' });
  });
});

describe('the incident loop as start runs it', () => {
  it('posts the incidents, and writes a chat decision back at once rather than at the next interval', async () => {
    const rig = await startRig({ ALERT_SOURCE: 'incidents', WORKSPACE_NAME: 'local', INCIDENT_POLL_INTERVAL: '1h' });
    try {
      rig.app.dispatcher.start();
      rig.app.incidents?.sync.start();
      await until('the incident cards', async () => (await all(rig)).length === sample.length);
      const name = sample[0]?.name as string;
      const alert = await incidentAlert(rig, name);
      await until('the card', () => cardsFor(rig, alert.id) === 1);
      await rig.app.alerts.acknowledge(alert.id, ALICE, 'teams:19:sec');
      await until('the write-back', () => peek(rig, name)?.incident.properties.status === 'Active');
      expect(peek(rig, name)?.incident.properties.owner).toMatchObject({ objectId: ALICE.id });
    } finally {
      await rig.close();
    }
  });
});

describe('a crash between the chat decision and the write-back', () => {
  it('loses nothing: the restarted app writes the decision once', async () => {
    const first = await startRig({ ALERT_SOURCE: 'incidents', WORKSPACE_NAME: 'local' });
    await incidentPass(first);
    const name = sample[0]?.name as string;
    const alert = await incidentAlert(first, name);
    expect((await first.app.alerts.resolve(alert.id, BOB, 'slack:C0SEC', 'true_positive')).outcome).toBe('allowed');
    // Stopped before any writer pass: the decision is only in the store.
    await first.close();
    expect(peek(first, name)?.incident.properties.status).toBe('New');

    const second = await startRig({ ALERT_SOURCE: 'incidents', WORKSPACE_NAME: 'local' }, { standIn: first.standIn, db: first.db });
    try {
      await incidentPass(second);
      await incidentPass(second);
      expect(peek(second, name)?.incident.properties).toMatchObject({ status: 'Closed', classification: 'TruePositive' });
      const writes = second.standIn.writes.filter((w) => w.path.toLowerCase().includes(name));
      expect(writes.filter((w) => !w.path.includes('/comments/'))).toHaveLength(1);
      expect(peek(second, name)?.comments).toHaveLength(1);
      // No incident was posted again after the restart.
      expect(await all(second)).toHaveLength(sample.length);
      expect(second.out()).not.toMatch(/^\[[A-Z]+\] FW-\d+ · /m);
    } finally {
      await second.close();
    }
  });
});

describe('both sources on for the same rules (ALERT_SOURCE=both)', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ ALERT_SOURCE: 'both', WORKSPACE_NAME: 'local' });
  });
  afterEach(async () => rig.close());

  it('shows each hit once: the incidents wait for, then link to, the alerts FirstWatch raised itself', async () => {
    await incidentPass(rig); // incidents first: FirstWatch's own run has not seen the hits yet
    expect(await all(rig)).toHaveLength(0);
    await pollRules(rig);
    await incidentPass(rig);
    await incidentPass(rig);
    const alerts = await all(rig);
    expect(alerts).toHaveLength(sample.length);
    expect(alerts.some((a) => a.detectionId === SENTINEL_INCIDENT_DETECTION_ID)).toBe(false);
    for (const a of alerts) expect(cardsFor(rig, a.id)).toBe(1);
    const linked = await Promise.all(sample.map((i) => rig.app.store.alertForIncident('local', i.name)));
    expect(new Set(linked).size).toBe(sample.length);
    expect(linked.every((id) => id !== undefined)).toBe(true);
  });

  it("writes a decision on FirstWatch's own alert back to the linked incident", async () => {
    await pollRules(rig);
    await incidentPass(rig);
    const name = sample[0]?.name as string;
    const alertId = (await rig.app.store.alertForIncident('local', name)) as string;
    await rig.app.alerts.acknowledge(alertId, ALICE, 'teams:19:sec');
    await incidentPass(rig);
    expect(peek(rig, name)?.incident.properties).toMatchObject({ status: 'Active', owner: { objectId: ALICE.id } });
  });
});

describe('incidents of rules FirstWatch does not run, with both on', () => {
  it('are posted: only the rules FirstWatch runs itself are linked instead', async () => {
    const rig = await startRig({ ALERT_SOURCE: 'both', WORKSPACE_NAME: 'local', DETECTIONS_DIR: path.join(ROOT, 'detections-library') });
    try {
      const own = new Set(rig.app.detections.map((d) => d.id));
      expect(own.has('eaca3b98-b7eb-404b-9e37-4069f893dc64')).toBe(false);
      await incidentPass(rig);
      expect((await all(rig)).filter((a) => a.detectionId === SENTINEL_INCIDENT_DETECTION_ID)).toHaveLength(sample.length);
    } finally {
      await rig.close();
    }
  });
});

describe('the incident filter', () => {
  it('follows only the incidents whose rule, title, severity and product match', async () => {
    const rig = await startRig({
      ALERT_SOURCE: 'incidents',
      WORKSPACE_NAME: 'local',
      INCIDENT_SEVERITIES: 'High',
      INCIDENT_PRODUCTS: 'Azure Sentinel',
    });
    try {
      await incidentPass(rig);
      const alerts = await all(rig);
      expect(alerts.length).toBe(sample.filter((i) => i.properties.severity === 'High').length);
      expect(alerts.length).toBeGreaterThan(0);
      expect(alerts.every((a) => a.severity === 'High')).toBe(true);
    } finally {
      await rig.close();
    }
  });
});
