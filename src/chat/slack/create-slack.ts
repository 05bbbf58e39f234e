import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { RequestHandler } from 'express';
import type { Alert, HuntReport } from '../../alerts/types';
import { alertMessage } from '../../cards/blockkit/alert-message';
import { commandReplyBlocks } from '../../cards/blockkit/reply-blocks';
import { toAlertView } from '../../cards/alert-view';
import type { CardContext } from '../../cards/context';
import { huntBlocks } from '../../cards';
import type { Logger } from '../../logging/logger';
import type { CommandReply, HuntRunner } from '../../alerts/commands';
import { boltLogger } from './bolt-logger';
import { slackProcessError, slackRequestAge } from './request-guard';
import type { ChannelQueueOptions } from './channel-queue';
import { classifySlackError, explainSetupProblem } from './errors';
import { SlackIdentity } from './identity';
import { registerActionListeners } from './listeners/actions';
import { registerCommandListeners } from './listeners/commands';
import type { AuthorizeFn, HuntVisibility, SlackCommandRouter, SlackHandlerDeps } from './listeners/deps';
import { registerMembershipListeners } from './listeners/membership';
import { registerMessageListeners } from './listeners/messages';
import { buildModal } from './listeners/modal-metadata';
import { registerViewListeners } from './listeners/views';
import { SlackPlatform, type SlackPlatformOptions, type SlackMessage } from './platform';
import { TaskTracker } from '../task-tracker';
import { TurnGate } from '../turn-gate';
import type { AnswersOwed } from '../answers-owed';
import { systemClock, type Clock } from '../../time/clock';

export interface SlackOptions {
  /** xoxb-… */
  botToken: string;
  /** xapp-…: Socket Mode (no public URL). */
  appToken?: string;
  /** HTTP mode (POST /slack/events) when no app token is given. */
  signingSecret?: string;
  /** Channel ids alerts are posted to (checked at start). */
  channels: readonly string[];
  /** Web API base URL ending in /api/ (a local stand-in in tests). */
  apiUrl?: string;
  /** Where a /hunt command's result goes: only to the person, or into the channel. */
  huntVisibility: HuntVisibility;
  logger: Logger;
  /**
   * Tenant, workspace and detection query for card links; a function when they
   * depend on the alert (its detection's query). Called with undefined for replies.
   */
  cardContext?: Omit<CardContext, 'now'> | ((alert: Alert | undefined) => Omit<CardContext, 'now'>);
  /** Per-channel pacing; defaults to ~1 message/s with a burst of 3. */
  queue?: Partial<Omit<ChannelQueueOptions, 'rateLimitOf'>>;
  huntTimeoutMs?: number;
  /** How long a users.info answer is trusted. */
  identityTtlMs?: number;
  /** Web API call timeout. */
  requestTimeoutMs?: number;
  clock?: Clock;
  /** The workspace-wide chat.update budget, shared through the store (see SlackPlatformOptions). */
  updateBudget?: SlackPlatformOptions['updateBudget'];
}

export interface SlackDeps {
  router: SlackCommandRouter;
  hunt?: HuntRunner;
  /** releaseWaiting (bot joined a channel) and getAlert (modal titles). */
  store?: {
    releaseWaiting?: (platform: 'slack', target: string) => Promise<number>;
    getAlert?: (id: string) => Promise<Alert | undefined>;
  };
  /** Wakes the dispatcher after a transition so every copy of the card is re-rendered promptly. */
  onTransition?: (alert: Alert) => void;
  /** Deliveries parked on a channel were released (the bot was invited); wake the dispatcher. */
  onDeliveriesReleased?: (channel: string, count: number) => void;
  /** AlertService.authorize: refuse before opening a modal rather than after it is filled in. */
  authorize?: AuthorizeFn;
  /** The interaction requests not yet answered (the HTTP server counts them): slow halves start after them. */
  answers?: AnswersOwed;
}

export interface Slack {
  platform: SlackPlatform;
  app: App;
  mode: 'socket' | 'http';
  /** HTTP mode: mount with `app.use('/slack/events', httpHandler)` (raw body; no JSON parser before it). */
  httpHandler?: RequestHandler;
  /**
   * Verifies the token and the channels, then (Socket Mode) connects.
   * `interactive: false` (one-shot polls): post only, do not connect.
   */
  start(options?: { interactive?: boolean }): Promise<void>;
  /** Stops taking interactions, lets running ones finish (bounded), then stops posting. */
  stop(): Promise<void>;
  /** Resolves when the slow halves of interactions started so far have finished (bounded wait). */
  settled(timeoutMs?: number): Promise<void>;
}

/** A problem in the Slack settings; the message names the setting. */
export class SlackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackConfigError';
  }
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

function checkOptions(o: SlackOptions): void {
  if (typeof o.botToken !== 'string' || !o.botToken.startsWith('xoxb-'))
    throw new SlackConfigError('Slack bot token must start with xoxb-');
  if (o.appToken !== undefined && !o.appToken.startsWith('xapp-'))
    throw new SlackConfigError('Slack app token must start with xapp- (Socket Mode)');
  if (o.appToken === undefined && (o.signingSecret === undefined || o.signingSecret.length === 0)) {
    throw new SlackConfigError('Slack needs an app token (xapp-, Socket Mode) or a signing secret (HTTP mode)');
  }
  for (const c of o.channels) {
    if (!CHANNEL_ID.test(c))
      throw new SlackConfigError(`Slack channel "${c}" is not a channel id (C…, G… or D…; copy it from the channel's details)`);
  }
  if (o.huntVisibility !== 'ephemeral' && o.huntVisibility !== 'in_channel') {
    throw new SlackConfigError(`Slack huntVisibility must be ephemeral or in_channel, not ${String(o.huntVisibility)}`);
  }
  if (o.apiUrl !== undefined && !/^https?:\/\/.+\/$/.test(o.apiUrl))
    throw new SlackConfigError('Slack apiUrl must be an http(s) URL ending in /');
}

/**
 * Builds FirstWatch's Slack side: the platform the dispatcher posts through,
 * and the Bolt app that turns buttons, modals, slash commands and mentions
 * into router calls. Every interaction is acknowledged before its slow part.
 */
export function createSlack(options: SlackOptions, deps: SlackDeps): Slack {
  checkOptions(options);
  const logger = options.logger.child({ component: 'slack' });
  const clock = options.clock ?? systemClock;
  const bolt = boltLogger(logger);
  const common: WebClientOptions = {
    logger: bolt,
    timeout: options.requestTimeoutMs ?? 10_000,
    // 429s come back as errors at once: the channel queue (deliveries) or the person (interactions) decides.
    rejectRateLimitedCalls: true,
    ...(options.apiUrl !== undefined ? { slackApiUrl: options.apiUrl } : {}),
  };
  // Deliveries: no retries in the client; the queue and the dispatcher's outbox own them.
  const deliveryClient = new WebClient(options.botToken, { ...common, retryConfig: { retries: 0 } });
  // Interactions: a quick second try on a network blip, inside Slack's patience.
  const interactiveClient = new WebClient(options.botToken, {
    ...common,
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 400 },
  });

  const given = options.cardContext;
  const cardContext = (alert: Alert | undefined): CardContext => ({
    ...(typeof given === 'function' ? given(alert) : (given ?? {})),
    now: clock(),
  });
  const render = (alert: Alert): SlackMessage => alertMessage(toAlertView(alert, cardContext(alert)));
  const platform = new SlackPlatform({
    client: deliveryClient,
    render,
    logger,
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.updateBudget ? { updateBudget: options.updateBudget } : {}),
  });

  let botUserId: string | undefined;
  let botId: string | undefined;
  const whoAmI = async (): Promise<{ botUserId: string; botId: string }> => {
    if (botUserId === undefined || botId === undefined) {
      const res = await interactiveClient.auth.test();
      botUserId = typeof res.user_id === 'string' ? res.user_id : undefined;
      botId = typeof res.bot_id === 'string' ? res.bot_id : undefined;
      if (botUserId === undefined || botId === undefined)
        throw new SlackConfigError('Slack auth.test did not name the bot user; is this a bot token?');
    }
    return { botUserId, botId };
  };

  const mode: Slack['mode'] = options.appToken !== undefined ? 'socket' : 'http';
  let receiver: ExpressReceiver | undefined;
  let app: App;
  const authorize = async (): Promise<{ botToken: string; botUserId: string; botId: string }> => ({
    botToken: options.botToken,
    ...(await whoAmI()),
  });
  const clientOptions: WebClientOptions = { ...common, retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 400 } };
  // No listener keeps per-conversation state; Bolt's default store looked it up (and threw "not found") on every request.
  const convoStore = false as const;
  if (mode === 'socket') {
    app = new App({
      appToken: options.appToken,
      socketMode: true,
      authorize,
      logger: bolt,
      logLevel: LogLevel.INFO,
      clientOptions,
      convoStore,
    });
  } else {
    // endpoints '/': the composition root mounts the router at /slack/events, so requests arrive here as '/'.
    receiver = new ExpressReceiver({
      signingSecret: options.signingSecret as string,
      endpoints: '/',
      logger: bolt,
      processBeforeResponse: false,
      processEventErrorHandler: slackProcessError(logger),
    });
    app = new App({ receiver, authorize, logger: bolt, logLevel: LogLevel.INFO, clientOptions, convoStore });
  }

  const tasks = new TaskTracker(deps.answers);
  const handlerDeps: SlackHandlerDeps = {
    router: deps.router,
    ...(deps.hunt !== undefined ? { hunt: deps.hunt } : {}),
    identity: new SlackIdentity(interactiveClient, options.identityTtlMs !== undefined ? { ttlMs: options.identityTtlMs } : {}),
    platform,
    client: interactiveClient,
    logger,
    ...(deps.onTransition !== undefined ? { onTransition: deps.onTransition } : {}),
    ...(deps.authorize !== undefined ? { authorize: deps.authorize } : {}),
    ...(deps.store?.getAlert !== undefined ? { getAlert: deps.store.getAlert } : {}),
    huntVisibility: options.huntVisibility,
    huntTimeoutMs: options.huntTimeoutMs ?? 120_000,
    clock,
    renderReply: (reply: CommandReply) =>
      commandReplyBlocks(reply, cardContext(reply.kind === 'alert' || reply.kind === 'alert-detail' ? reply.alert : undefined)),
    renderHunt: (report: HuntReport) => huntBlocks(report, clock()),
    buildModal,
    tasks,
  };
  registerActionListeners(app, handlerDeps);
  registerViewListeners(app, handlerDeps);
  registerCommandListeners(app, handlerDeps);
  registerMessageListeners(app, handlerDeps);
  registerMembershipListeners(app, handlerDeps, {
    ...(deps.store?.releaseWaiting !== undefined ? { releaseWaiting: deps.store.releaseWaiting } : {}),
    ...(deps.onDeliveriesReleased !== undefined ? { onReleased: deps.onDeliveriesReleased } : {}),
  });
  app.error(async (err) => {
    logger.error({ err: err.message, code: (err as { code?: unknown }).code }, 'Slack: unhandled error in a listener');
  });

  let started = false;
  return {
    platform,
    app,
    mode,
    ...(receiver !== undefined
      ? { httpHandler: oneRequestPerTurn(withRequestAge(slackRequestAge(clock, logger), receiver.router as unknown as RequestHandler)) }
      : {}),
    async start(startOptions = {}) {
      try {
        await whoAmI();
      } catch (err) {
        if (err instanceof SlackConfigError) throw err;
        const f = classifySlackError(err);
        throw new SlackConfigError(
          f.disposition === 'wait' ? explainSetupProblem(f.code, undefined, f.needed) : `Slack auth.test failed: ${f.detail}`,
        );
      }
      for (const channel of options.channels) {
        try {
          const res = await interactiveClient.conversations.info({ channel });
          if (res.channel?.is_member === false && !res.channel.is_im) {
            platform.setupProblems.report(
              { code: 'not_in_channel', disposition: 'wait', ambiguous: false, detail: 'not_in_channel' },
              channel,
            );
          }
        } catch (err) {
          const f = classifySlackError(err);
          if (f.disposition === 'wait') platform.setupProblems.report(f, channel);
          else logger.warn({ channel, slackError: f.code }, 'Slack: could not check a channel at start');
        }
      }
      if (mode === 'socket' && startOptions.interactive !== false) {
        await app.start();
        started = true;
      }
      logger.info({ mode, channels: options.channels.length }, 'Slack: ready');
    },
    settled: (timeoutMs = 30_000) => tasks.drain(timeoutMs),
    async stop() {
      // No new interactions, then let running ones finish, then stop posting.
      if (mode === 'socket' && started) await app.stop();
      started = false;
      await tasks.drain(5_000);
      platform.stop();
    },
  };
}

/**
 * Requests go on one per event-loop turn, oldest first, as Teams activities
 * do: a burst is handled as short slices, with the loop's timers and newly
 * arrived requests read between them, instead of one stretch (about 190 ms
 * for 250 requests on Node 20). The slow halves wait for every request owed
 * its answer (AnswersOwed), so they do not take the turns in between.
 */
function oneRequestPerTurn(handler: RequestHandler): RequestHandler {
  const turns = new TurnGate();
  return (req, res, next) => {
    // A throw from the handler goes to express's error handler, as it would without the gate.
    turns
      .turn()
      .then(() => handler(req, res, next))
      .catch(next);
  };
}

/** The age check first, then Bolt's receiver. */
function withRequestAge(age: RequestHandler, bolt: RequestHandler): RequestHandler {
  return (req, res, next) => {
    age(req, res, (err?: unknown) => (err !== undefined ? next(err) : bolt(req, res, next)));
  };
}
