import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, UnknownWorkspaceError, type App } from '../../src/app/build';
import { startChat, type ChatHandles } from '../../src/app/chat';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logging/logger';
import { generateWorkspace, serveWorkspace, type WorkspaceServer } from '../../src/workspace';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';

const ROOT = path.join(__dirname, '../..');

/** Two customers' workspaces (different data), each sending its alerts to its own Slack channel. */
describe('several workspaces, each with its own chat targets', () => {
  let dir: string;
  let standin: SlackStandin;
  let contoso: WorkspaceServer;
  let fabrikam: WorkspaceServer;
  let app: App;
  let chat: ChatHandles;
  const now = new Date();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-ws2-'));
    await generateWorkspace({ dir: path.join(dir, 'contoso'), now, seed: 1, days: 2 });
    await generateWorkspace({ dir: path.join(dir, 'fabrikam'), now, seed: 2, days: 2 });
    contoso = await serveWorkspace({ dir: path.join(dir, 'contoso') });
    fabrikam = await serveWorkspace({ dir: path.join(dir, 'fabrikam') });
    standin = await startSlackStandin({
      channels: [
        { id: 'C0CONTOSO', name: 'contoso-alerts', member: true },
        { id: 'C0FABRIKAM', name: 'fabrikam-alerts', member: true },
      ],
    });
    const config = loadConfig(
      {
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        SQLITE_PATH: path.join(dir, 'fw.db'),
        TEAMS_PLAYGROUND: 'false',
        CONSOLE_OUTPUT: 'false',
        RESPONDERS: 'alice@contoso.com,channel-members',
        SLACK_BOT_TOKEN: standin.botToken,
        SLACK_SIGNING_SECRET: standin.signingSecret,
        SLACK_API_URL: standin.url,
        WORKSPACES: 'contoso,fabrikam',
        WORKSPACE_CONTOSO_ID: contoso.workspaceIds[0] as string,
        WORKSPACE_CONTOSO_ENDPOINT: contoso.url,
        WORKSPACE_CONTOSO_SLACK_CHANNELS: 'C0CONTOSO',
        WORKSPACE_FABRIKAM_ID: fabrikam.workspaceIds[0] as string,
        WORKSPACE_FABRIKAM_ENDPOINT: fabrikam.url,
        WORKSPACE_FABRIKAM_SLACK_CHANNELS: 'C0FABRIKAM',
        QUERY_MAX_RETRIES: '0',
      },
      { envFile: false },
    );
    app = await buildApp(config, { logger: silentLogger() });
    chat = await startChat(app, { interactive: false });
    for (const detection of app.detections) {
      for (const outcome of await app.poller.runDetection(detection)) expect(outcome).toMatchObject({ ok: true });
    }
    await app.dispatcher.drainUntilIdle();
  }, 120_000);

  afterAll(async () => {
    await chat?.stop();
    await app?.close();
    await standin?.close();
    await contoso?.close();
    await fabrikam?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds one binding per workspace, each with its own targets', () => {
    expect(app.workspaces.map((w) => [w.name, w.targets])).toEqual([
      ['contoso', [{ platform: 'slack', target: 'C0CONTOSO' }]],
      ['fabrikam', [{ platform: 'slack', target: 'C0FABRIKAM' }]],
    ]);
  });

  it("posts each workspace's alerts to its own channel, each naming its workspace", async () => {
    const alerts = await app.store.listAlerts({ status: 'all', limit: 200 });
    const byId = new Map(alerts.map((a) => [a.id, a]));
    for (const [channel, workspace] of [
      ['C0CONTOSO', 'contoso'],
      ['C0FABRIKAM', 'fabrikam'],
    ] as const) {
      const messages = standin.messagesIn(channel).filter((m) => m.thread_ts === undefined);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.length).toBe(alerts.filter((a) => a.workspace === workspace).length);
      for (const m of messages) {
        const alert = byId.get(String(m.metadata?.event_payload.alert_id));
        expect(alert?.workspace).toBe(workspace);
        expect(JSON.stringify(m.blocks)).toContain(workspace);
      }
    }
  });

  it('keeps a watermark per workspace and detection', async () => {
    for (const workspace of ['contoso', 'fabrikam']) {
      for (const detection of app.detections) expect(await app.store.getWatermark(workspace, detection.id)).toBeDefined();
    }
  });

  it('hunts every workspace unless one is named', async () => {
    const ctx = { actor: { platform: 'cli' as const, id: 'alice', displayName: 'alice' }, origin: 'cli' };
    // Hunt queries only: learning a workspace's tables sends a probe of its own.
    const hunts = (s: WorkspaceServer): number => s.requests.filter((r) => r.query?.includes('let _events = union') === true).length;
    const before = [hunts(contoso), hunts(fabrikam)];
    const both = await app.hunt.run({ upn: 'alice@contoso.com', lookbackMs: 2 * 86_400_000 }, ctx);
    expect(both.workspaces).toEqual(['contoso', 'fabrikam']);
    expect([hunts(contoso), hunts(fabrikam)]).toEqual([before[0] + 1, before[1] + 1]);
    const contosoQueries = contoso.requests.length;
    const one = await app.huntIn('FABRIKAM').run({ upn: 'alice@contoso.com', lookbackMs: 86_400_000 }, ctx);
    expect(one.workspaces).toEqual(['fabrikam']);
    expect(contoso.requests.length).toBe(contosoQueries);
    expect(() => app.huntIn('northwind')).toThrow(UnknownWorkspaceError);
    await expect(app.hunt.run({ upn: 'alice@contoso.com', lookbackMs: 86_400_000, workspace: 'northwind' }, ctx)).rejects.toThrow(
      /no workspace named "northwind"/,
    );
    expect(() => app.huntIn('northwind')).toThrow(/configured are contoso, fabrikam/);
  });

  it("keeps each workspace's channel to its own workspace: a member of contoso's channel cannot hunt or act on fabrikam from it", async () => {
    const bob = { platform: 'slack' as const, id: 'U2', displayName: 'bob', email: 'bob@contoso.com' };
    const inContoso = { actor: bob, origin: 'slack:C0CONTOSO' };
    expect(await app.router.handleText('hunt alice@contoso.com 1d fabrikam', inContoso)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/may not act on workspace fabrikam/),
    });
    expect(await app.router.handleText('hunt alice@contoso.com 1d', inContoso)).toMatchObject({
      kind: 'hunt',
      request: { workspace: 'contoso' },
    });
    const fabrikamAlert = (await app.store.listAlerts({ status: 'all', workspaces: ['fabrikam'], limit: 1 }))[0];
    if (fabrikamAlert === undefined) throw new Error('expected a fabrikam alert');
    expect(await app.router.handleText(`ack ${fabrikamAlert.id}`, inContoso)).toMatchObject({ kind: 'error' });
    const listed = await app.router.handleText('alerts all', inContoso);
    expect(listed.kind === 'alerts' && listed.alerts.every((a) => a.workspace === 'contoso') && listed.alerts.length > 0).toBe(true);
    expect(await app.router.handleText('alerts all', { actor: bob, origin: 'slack:D0BOB' })).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/direct messages are open only to listed responders/),
    });
    const refused = (await app.store.listAudit({ limit: 1000 })).filter((a) => a.outcome === 'refused' && a.actor.id === 'U2');
    expect(refused.map((a) => a.action)).toEqual(['hunt', 'acknowledge', 'list']);
  });

  it('takes a workspace as the last word of a chat hunt, and refuses an unknown one', async () => {
    // A direct message: alice is listed for every workspace.
    const ctx = {
      actor: { platform: 'slack' as const, id: 'U1', displayName: 'alice', email: 'alice@contoso.com' },
      origin: 'slack:D0ALICE',
    };
    const reply = await app.router.handleText('hunt alice@contoso.com 1d Fabrikam', ctx);
    expect(reply).toEqual({ kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 86_400_000, workspace: 'fabrikam' } });
    if (reply.kind !== 'hunt') throw new Error('expected a hunt');
    const before = contoso.requests.length;
    const report = await app.hunt.run(reply.request, ctx);
    expect(report.workspaces).toEqual(['fabrikam']);
    expect(contoso.requests.length).toBe(before);

    const noLookback = await app.router.handleText('hunt alice@contoso.com contoso', ctx);
    expect(noLookback).toMatchObject({ kind: 'hunt', request: { workspace: 'contoso', lookbackMs: 7 * 86_400_000 } });
    const everywhere = await app.router.handleText('hunt alice@contoso.com 1d', ctx);
    expect(everywhere).toEqual({ kind: 'hunt', request: { upn: 'alice@contoso.com', lookbackMs: 86_400_000 } });
    const unknown = await app.router.handleText('hunt alice@contoso.com 1d northwind', ctx);
    expect(unknown).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/no workspace "northwind" \(workspaces: contoso, fabrikam\)/),
    });
  });
});
