import type { RequestHandler } from 'express';
import { createSlack, type Slack } from '../chat/slack';
import { CHAT_UPDATE_BUDGET } from '../chat/slack/platform';
import { playgroundInstalled, startPlayground, TeamsPlatform } from '../chat/teams';
import { sharedBudgetKey, TEAMS_THREAD_LIMITS } from '../chat/teams/rate-limiter';
import type { Config } from '../config';
import type { TeamsConversation } from '../chat/teams/conversations';
import { PlaygroundPages } from '../chat/teams/playground-pages';
import type { App } from './build';
import { inConversation, repostOpenAlerts } from './repost';

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

  const slackConfig = app.config.slack;
  if (slackConfig.mode !== 'off') {
    const slack = startSlack(app, slackConfig, kick);
    await slack.start({ interactive });
    app.addPlatform(slack.platform, [...slackConfig.channels]);
    http.slack = slack.httpHandler;
    stops.push(() => slack.stop());
    banner.push(
      `Slack: ${slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode at /slack/events'}, alerts to ${slackConfig.channels.join(', ') || 'no channel (set SLACK_CHANNELS)'}`,
    );
  }
  let afterListen = async (_serverUrl: string): Promise<void> => undefined;
  const teamsConfig = app.config.teams;
  if (teamsConfig.mode === 'playground' && !interactive) {
    // No Playground in a one-shot run: Teams cards wait in the outbox for the next `firstwatch start`.
    app.addTargets('teams', teamsConfig.channels.length > 0 ? [...teamsConfig.channels] : PLAYGROUND_CHANNELS);
  } else if (teamsConfig.mode !== 'off') {
    const { config } = app;
    let pages: PlaygroundPages | undefined;
    let playgroundUrl = '';
    let playgroundServiceUrl = '';
    const repost = (where: (c: TeamsConversation) => boolean, collected?: () => void): Promise<number> =>
      repostOpenAlerts(
        {
          store: app.store,
          teams,
          postedCopy: (alertId, messageId) => app.dispatcher.postedCopy('teams', alertId, messageId),
          logger: app.logger.child({ component: 'teams' }),
        },
        where,
        collected,
      );
    /** Held posts to the Playground's channels may go now (a page opened one, or came back). */
    const releaseHeld = async (also: string[] = []): Promise<void> => {
      for (const target of new Set([...channels, ...also])) await app.store.releaseWaiting('teams', target);
      kick();
    };
    const teams = new TeamsPlatform({
      store: app.store,
      router: app.router,
      hunt: app.hunt,
      logger: app.logger.child({ component: 'teams' }),
      nodeEnv: config.server.nodeEnv,
      cardContext: app.cardContext,
      clock: app.clock,
      onTransition: kick,
      answers: app.answers,
      postedCopy: (alertId, messageId) => app.dispatcher.postedCopy('teams', alertId, messageId),
      // Teams limits each thread per bot, not per process: every replica takes its slots from the shared store.
      sharedBudget: (thread) => app.store.takeBudgetWindows(sharedBudgetKey(thread), TEAMS_THREAD_LIMITS, app.clock()),
      // The Playground shows a card only to a page that is open on its channel: posts wait for one, and each
      // page that opens a channel (the first, a reload, a second tab) gets what is open there.
      ...(teamsConfig.mode === 'playground'
        ? {
            // Only the Playground's own conversations (its connector's URL); the dispatcher starts after it does.
            unseen: (c: TeamsConversation) =>
              pages !== undefined && c.serviceUrl.startsWith(playgroundServiceUrl)
                ? pages.notShown(c.conversationId, playgroundUrl)
                : undefined,
            onInstalled: async (c: TeamsConversation) => {
              // An installation with no page open is the Playground's own, made at start.
              if (pages === undefined || pages.connected() === 0) return;
              const page = pages;
              // Opened once the copies to post again are collected, so the dispatcher's posts from then on are not among them.
              await repost(inConversation(c), () => page.opens(c.conversationId));
              await releaseHeld([c.conversationId, c.name]);
            },
          }
        : {}),
      ...(teamsConfig.mode === 'bot'
        ? { credentials: { appId: teamsConfig.appId, appPassword: teamsConfig.appPassword, tenantId: teamsConfig.tenantId } }
        : {}),
    });
    const channels = teamsConfig.channels.length > 0 || teamsConfig.mode === 'bot' ? [...teamsConfig.channels] : PLAYGROUND_CHANNELS;
    app.addPlatform(teams, channels);
    http.teams = teams.requestHandler;
    stops.push(() => teams.stop());
    banner.push(
      `Teams: ${teamsConfig.mode === 'bot' ? 'Azure Bot' : 'local Agents Playground'}, alerts to ${channels.join(', ') || 'no channel (set TEAMS_CHANNELS)'}`,
    );
    if (teamsConfig.mode === 'playground' && interactive && !playgroundInstalled()) {
      // A development tool, absent from production installs; the bot endpoint still answers.
      banner.push(
        'Teams: the Agents Playground is not installed (a devDependency: run npm ci without --omit=dev), so no local Teams client was started',
      );
    } else if (teamsConfig.mode === 'playground' && interactive) {
      afterListen = async (serverUrl) => {
        const started = await startPlayground({
          botEndpoint: `${serverUrl}/api/messages`,
          port: teamsConfig.playgroundPort,
          logger: app.logger.child({ component: 'playground' }),
        });
        stops.unshift(() => started.stop());
        playgroundUrl = started.url;
        playgroundServiceUrl = started.serviceUrl;
        const opened = new PlaygroundPages(started.logFile);
        pages = opened;
        // A page whose socket dropped (a loaded machine) and came back gets what was held meanwhile.
        let connected = 0;
        const watch = setInterval(() => {
          const now = opened.connected();
          if (connected === 0 && now > 0)
            releaseHeld().catch((err: unknown) =>
              app.logger.warn(
                { err: err instanceof Error ? err.message : String(err) },
                'Teams: held cards not released; the next page will',
              ),
            );
          connected = now;
        }, 1_000);
        watch.unref();
        stops.unshift(async () => clearInterval(watch));
        banner.push(`Teams: open the Agents Playground at ${started.url} (channel General of My Team)`);
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

function startSlack(app: App, config: Exclude<Config['slack'], { mode: 'off' }>, kick: () => void): Slack {
  const { logger, store, alerts } = app;
  return createSlack(
    {
      botToken: config.botToken,
      ...(config.mode === 'socket' ? { appToken: config.appToken } : { signingSecret: config.signingSecret }),
      channels: config.channels,
      apiUrl: config.apiUrl,
      huntVisibility: config.huntVisibility,
      logger,
      clock: app.clock,
      // Slack limits chat.update per workspace: every replica takes its slots from the shared store.
      updateBudget: () => store.takeBudget(CHAT_UPDATE_BUDGET.key, CHAT_UPDATE_BUDGET.limit, CHAT_UPDATE_BUDGET.windowMs, app.clock()),
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
      answers: app.answers,
    },
  );
}
