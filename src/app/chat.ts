import type { RequestHandler } from 'express';
import { createSlack, type Slack } from '../chat/slack';
import { playgroundInstalled, startPlayground, TeamsPlatform } from '../chat/teams';
import type { App } from './build';

export interface ChatHandles {
  /** Routes for the HTTP server. */
  http: { teams?: RequestHandler; slack?: RequestHandler };
  /** Lines to print at start-up (where to look, what is off). */
  banner: string[];
  /** Once the HTTP server listens: starts what needs to reach it (the Agents Playground). */
  afterListen(serverUrl: string): Promise<void>;
  stop(): Promise<void>;
}

/** The Agents Playground models one team whose first channel is General. */
const PLAYGROUND_CHANNELS = ['General'];

/**
 * Starts the configured chat platforms and registers them, with their
 * targets, in the app. `interactive: false` (one-shot polls) posts cards but
 * serves no interactions.
 */
export async function startChat(app: App, options: { interactive?: boolean } = {}): Promise<ChatHandles> {
  const interactive = options.interactive ?? true;
  const banner: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const http: ChatHandles['http'] = {};
  const kick = (): void => app.dispatcher.kick();

  if (app.config.slack.enabled) {
    const slack = startSlack(app, kick);
    await slack.start({ interactive });
    app.addPlatform(slack.platform, [...app.config.slack.channels]);
    http.slack = slack.httpHandler;
    stops.push(() => slack.stop());
    banner.push(`Slack: ${slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode at /slack/events'}, alerts to ${app.config.slack.channels.join(', ') || 'no channel (set SLACK_CHANNELS)'}`);
  }
  let afterListen = async (_serverUrl: string): Promise<void> => undefined;
  if (app.config.teams.mode === 'playground' && !interactive) {
    // No Playground in a one-shot run: Teams cards wait in the outbox for the next `firstwatch start`.
    app.addTargets('teams', app.config.teams.channels.length > 0 ? [...app.config.teams.channels] : PLAYGROUND_CHANNELS);
  } else if (app.config.teams.mode !== 'off') {
    const { config } = app;
    const teams = new TeamsPlatform({
      store: app.store,
      router: app.router,
      hunt: app.hunt,
      logger: app.logger.child({ component: 'teams' }),
      nodeEnv: config.server.nodeEnv,
      cardContext: app.cardContext,
      clock: app.clock,
      onTransition: kick,
      ...(config.teams.mode === 'bot'
        ? { credentials: { appId: config.teams.appId as string, appPassword: config.teams.appPassword as string, tenantId: config.teams.tenantId as string } }
        : {}),
    });
    const channels = config.teams.channels.length > 0 || config.teams.mode === 'bot' ? [...config.teams.channels] : PLAYGROUND_CHANNELS;
    app.addPlatform(teams, channels);
    http.teams = teams.requestHandler;
    stops.push(() => teams.stop());
    banner.push(`Teams: ${config.teams.mode === 'bot' ? 'Azure Bot' : 'local Agents Playground'}, alerts to ${channels.join(', ') || 'no channel (set TEAMS_CHANNELS)'}`);
    if (config.teams.mode === 'playground' && interactive && !playgroundInstalled()) {
      // A development tool, absent from production installs; the bot endpoint still answers.
      banner.push('Teams: the Agents Playground is not installed (a devDependency: run npm ci without --omit=dev), so no local Teams client was started');
    } else if (config.teams.mode === 'playground' && interactive) {
      afterListen = async (serverUrl) => {
        const playground = await startPlayground({
          botEndpoint: `${serverUrl}/api/messages`,
          port: config.teams.playgroundPort,
          logger: app.logger.child({ component: 'playground' }),
        });
        stops.unshift(() => playground.stop());
        banner.push(`Teams: open the Agents Playground at ${playground.url} (channel General of My Team)`);
      };
    }
  }
  if (app.platforms.console !== undefined) banner.push('Console: alerts are printed here.');

  return {
    http,
    banner,
    afterListen: (url) => afterListen(url),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

function startSlack(app: App, kick: () => void): Slack {
  const { config, logger, store, alerts } = app;
  return createSlack(
    {
      botToken: config.slack.botToken as string,
      appToken: config.slack.appToken,
      signingSecret: config.slack.signingSecret,
      channels: config.slack.channels,
      apiUrl: config.slack.apiUrl,
      huntVisibility: config.slack.huntVisibility,
      logger,
      clock: app.clock,
      cardContext: (alert) => {
        const { now: _now, ...rest } = alert === undefined ? app.cardContext.base() : app.cardContext(alert);
        return rest;
      },
    },
    {
      router: app.router,
      hunt: app.hunt,
      store: { releaseWaiting: (p, t) => store.releaseWaiting(p, t), getAlert: (id) => store.getAlert(id) },
      authorize: (actor, origin, action, alertId) => alerts.authorize(actor, origin, action, alertId),
      onTransition: kick,
      onDeliveriesReleased: kick,
    },
  );
}
