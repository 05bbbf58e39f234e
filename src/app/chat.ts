import type { RequestHandler } from 'express';
import { createSlack, type Slack } from '../chat/slack';
import type { App } from './build';

export interface ChatHandles {
  /** Routes for the HTTP server. */
  http: { teams?: RequestHandler; slack?: RequestHandler };
  /** Lines to print at start-up (where to look, what is off). */
  banner: string[];
  stop(): Promise<void>;
}

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
  if (app.platforms.console !== undefined) banner.push('Console: alerts are printed here.');

  return {
    http,
    banner,
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
