import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app/build';
import { startChat, type ChatHandles } from '../../src/app/chat';
import { runApp, type Running } from '../../src/app/run';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logging/logger';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';

const ROOT = path.join(__dirname, '../..');
const MENTION = '<!subteam^S0ONCALL>';

/** The whole process as `firstwatch start` composes it, with escalation and storm settings, against the Slack stand-in. */
describe('FirstWatch with an on-call channel and a low storm threshold', () => {
  let dir: string;
  let standin: SlackStandin;
  let app: App;
  let chat: ChatHandles;
  let running: Running;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-esc-app-'));
    standin = await startSlackStandin({
      channels: [
        { id: 'C0ALERTS', name: 'secops-alerts', member: true },
        { id: 'C0ONCALL', name: 'secops-oncall', member: true },
      ],
    });
    const config = loadConfig(
      {
        DETECTIONS_DIR: path.join(ROOT, 'detections'),
        SQLITE_PATH: path.join(dir, 'fw.db'),
        LOCAL_WORKSPACE_DIR: path.join(dir, 'workspace'),
        PORT: '0',
        TEAMS_PLAYGROUND: 'false',
        CONSOLE_OUTPUT: 'false',
        SLACK_BOT_TOKEN: standin.botToken,
        SLACK_SIGNING_SECRET: standin.signingSecret,
        SLACK_CHANNELS: 'C0ALERTS',
        SLACK_API_URL: standin.url,
        RESPONDERS: 'alice@contoso.com,bob@contoso.com',
        ESCALATION_SLACK_CHANNEL: 'C0ONCALL',
        ESCALATION_SLACK_MENTION: MENTION,
        STORM_THRESHOLD: '1',
      },
      { envFile: false },
    );
    app = await buildApp(config, { logger: silentLogger() });
    chat = await startChat(app);
    running = await runApp(app, chat.http);
    standin.botEndpoint = `${running.http.url}/slack/events`;
    await running.caughtUp;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await chat?.stop();
    await app?.close();
    await standin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a poll with several hits posts a digest instead of the cards; a summarised alert can still be escalated, and the on-call copy mentions the group', async () => {
    const alerts = await app.store.listAlerts({ status: 'all', limit: 100 });
    expect(alerts.length).toBeGreaterThan(1);
    const digest = await standin.waitFor(() => standin.messagesIn('C0ALERTS').find((m) => (m.text ?? '').includes('Alert storm')), 'a storm digest');
    const summarised = alerts.filter((a) => JSON.stringify(digest.blocks).includes(a.id));
    expect(summarised.length).toBeGreaterThan(0);
    const target = summarised[0];
    expect(standin.messagesIn('C0ALERTS').some((m) => m.metadata?.event_payload.alert_id === target.id)).toBe(false);

    await standin.sendSlashCommand({ command: '/escalate', text: `${target.id} many at once, please look`, user: 'U0ALICE', channel: 'C0ALERTS' });
    const copy = await standin.waitFor(
      () => standin.messagesIn('C0ONCALL').find((m) => m.metadata?.event_payload.alert_id === target.id),
      'the escalation copy in the on-call channel',
    );
    expect(copy.text?.startsWith(MENTION)).toBe(true);
    expect(JSON.stringify(copy.blocks?.[0])).toContain('Escalated by Alice Analyst to on-call');
    expect(JSON.stringify(copy.blocks?.[0])).toContain('many at once, please look');
    expect((await app.store.getAlert(target.id))?.status).toBe('escalated');
  });
});
