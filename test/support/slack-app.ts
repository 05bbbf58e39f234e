import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app/build';
import { startChat, type ChatHandles } from '../../src/app/chat';
import { runApp, type Running } from '../../src/app/run';
import { loadConfig } from '../../src/config';
import { silentLogger, type Logger } from '../../src/logging/logger';
import { startSlackStandin, type SlackStandin, type SlackStandinOptions } from './slack-standin';

const ROOT = path.join(__dirname, '../..');

export interface SlackApp {
  dir: string;
  standin: SlackStandin;
  app: App;
  chat: ChatHandles;
  running: Running;
  close(): Promise<void>;
}

/**
 * The whole process as `firstwatch start` composes it (embedded workspace,
 * SQLite in a temp folder), with Slack in HTTP mode pointed at the local
 * stand-in, after its start-up poll. `env` adds to or overrides the settings.
 */
export async function startSlackApp(
  options: { env?: Record<string, string>; logger?: Logger; standin?: SlackStandinOptions } = {},
): Promise<SlackApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-app-'));
  const standin = await startSlackStandin(options.standin);
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
      ...options.env,
    },
    { envFile: false },
  );
  const app = await buildApp(config, { logger: options.logger ?? silentLogger() });
  const chat = await startChat(app);
  const running = await runApp(app, chat.http);
  standin.botEndpoint = `${running.http.url}/slack/events`;
  await running.caughtUp;
  return {
    dir,
    standin,
    app,
    chat,
    running,
    close: async () => {
      await running.stop();
      await chat.stop();
      await app.close();
      await standin.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
