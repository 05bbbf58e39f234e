import type { AgentApplication, CloudAdapter, TurnContext, TurnState } from '@microsoft/agents-hosting';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Alert } from '../../alerts/types';
import { alertCard } from '../../cards/adaptive/alert-card';
import { withEscalationIntro } from '../../cards/adaptive/escalation';
import { blindCard, digestCard, type BlindView, type DigestView } from '../../cards';
import { escalationIntro } from '../../cards/escalation';
import { toAlertView } from '../../cards/alert-view';
import type { CardContext } from '../../cards/context';
import type { Logger } from '../../logging/logger';
import type { HuntRunner } from '../../alerts/commands';
import { DeliveryError, type ChatPlatform } from '../../delivery/chat-platform';
import type { CardOptions, MessageRef, PostedCopy } from '../../delivery/types';
import { MemberDirectory } from './actor';
import { isLoopbackAddress, resolveTeamsAuth, type TeamsAuthMode, type TeamsCredentials } from './auth';
import { BackgroundTasks } from './background';
import { handleExecute, handleSubmit, isExecuteAction, isSubmitAction } from './card-actions';
import { handleCommandMessage } from './commands';
import { ConversationDirectory, type TeamsConversation, type TeamsRefStore } from './conversations';
import { tokenProblem, type TokenPolicy } from './token-checks';
import { announceInstall, captureConversation, learnTeamChannels, logRemoval } from './installs';
import { ProactiveClient } from './proactive';
import { hosting } from './sdk';
import { TeamsSender, type RetryPolicy, type SenderOptions } from './sender';
import type { ThreadRateLimiter } from './rate-limiter';
import { errorText, type TeamsCommandHandler, type TeamsTurnDeps } from './turn-deps';
import { systemClock, type Clock } from '../../time/clock';
import { TurnGate } from '../turn-gate';
import type { AnswersOwed } from '../answers-owed';

export interface TeamsPlatformOptions {
  /** Conversation references (and releaseWaiting, when present). */
  store: TeamsRefStore;
  router: TeamsCommandHandler;
  logger: Logger;
  /** The Azure Bot registration; none (local only) means anonymous requests from loopback. */
  credentials?: TeamsCredentials;
  /** Defaults to process.env.NODE_ENV; 'production' without credentials refuses to start. */
  nodeEnv?: string;
  hunt?: HuntRunner;
  /** Called after a card action or command changed an alert; the composition root redraws every copy (Slack too). */
  onTransition?: (alert: Alert) => void | Promise<void>;
  /**
   * Which copy in the outbox a clicked message is (the dispatcher's postedCopy).
   * A click on a copy is answered with the card the outbox draws for it, and
   * the outbox alone redraws it for everyone; a message it does not know (a
   * command's reply card) is redrawn by the click itself.
   */
  postedCopy?: (alertId: string, messageId: string) => Promise<PostedCopy | undefined>;
  /** The app was installed in a conversation that may show nothing yet (a new Agents Playground): post what is open there. */
  onInstalled?: (conversation: TeamsConversation) => Promise<void>;
  /**
   * Why a card posted to this conversation now would be seen by nobody (an Agents Playground with no page on
   * it), or undefined when it would be seen. Such posts are held (DeliveryError 'hold') until released.
   */
  unseen?: (conversation: TeamsConversation) => string | undefined;
  /** Clock, tenant and links for an alert's card (the app's cardContext); by default now + the configured tenant. */
  cardContext?: (alert: Alert) => CardContext;
  /** "Now" for cards that show no alert (hunt results, lists); default the system clock. */
  clock?: Clock;
  /** The alert card; by default cards/adaptive alertCard(toAlertView(alert)). */
  renderAlert?: (alert: Alert, ctx: CardContext) => object;
  /** How long a card action waits for the router before answering "working on it" (default 4000; Teams allows 5 s). */
  actionBudgetMs?: number;
  retry?: Partial<RetryPolicy>;
  limiter?: ThreadRateLimiter;
  /** A slot of the thread's limits shared by every replica (see SenderOptions.sharedBudget). */
  sharedBudget?: SenderOptions['sharedBudget'];
  /** Look up clickers' UPNs through the connector (default true). */
  lookupMembers?: boolean;
  /** The interaction requests not yet answered (the HTTP server counts them): background work starts after them. */
  answers?: AnswersOwed;
}

/**
 * Microsoft Teams through the Microsoft 365 Agents SDK: alert cards posted as
 * new channel threads, updated in place, buttons (Action.Execute, with an
 * Action.Submit fallback) and typed commands routed to the CommandRouter.
 * Mount `requestHandler` at POST /api/messages behind express.json().
 */
export class TeamsPlatform implements ChatPlatform {
  readonly name = 'teams' as const;
  readonly authMode: TeamsAuthMode;
  readonly adapter: CloudAdapter;
  private readonly tokenPolicy: TokenPolicy;
  readonly app: AgentApplication<TurnState>;
  readonly conversations: ConversationDirectory;
  readonly sender: TeamsSender;
  readonly proactive: ProactiveClient;
  /** Express handler for POST /api/messages (expects a parsed JSON body). */
  readonly requestHandler: RequestHandler;
  private readonly logger: Logger;
  private readonly tasks: BackgroundTasks;
  private readonly deps: TeamsTurnDeps;
  private readonly cardContext: (alert?: Alert) => CardContext;
  private readonly render: (alert: Alert) => object;
  /** Targets already reported as unknown, so the log says it once. */
  private readonly reportedMissing = new Set<string>();
  private readonly unseen: ((conversation: TeamsConversation) => string | undefined) | undefined;
  private readonly turns = new TurnGate();

  constructor(options: TeamsPlatformOptions) {
    this.logger = options.logger;
    this.unseen = options.unseen;
    const auth = resolveTeamsAuth(options.credentials ?? {}, options.nodeEnv ?? process.env.NODE_ENV);
    this.authMode = auth.mode;
    const { AgentApplication, CloudAdapter } = hosting();
    this.adapter = new CloudAdapter(auth.config);
    this.adapter.onTurnError = async (ctx, err) => this.onTurnError(ctx, err);
    this.app = new AgentApplication<TurnState>({
      adapter: this.adapter,
      removeRecipientMention: true,
      startTypingTimer: false,
      longRunningMessages: false,
    });
    this.sender = new TeamsSender({
      logger: this.logger,
      retry: options.retry,
      limiter: options.limiter,
      ...(options.sharedBudget !== undefined ? { sharedBudget: options.sharedBudget } : {}),
    });
    this.proactive = new ProactiveClient(this.adapter, auth.appId, this.sender);
    this.conversations = new ConversationDirectory(options.store, this.logger);
    this.tasks = new BackgroundTasks(this.logger, options.answers);
    const tenantId = options.credentials?.tenantId;
    this.tokenPolicy = {
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(options.credentials?.authority !== undefined ? { authority: options.credentials.authority } : {}),
    };
    const clock = options.clock ?? systemClock;
    const forAlert = options.cardContext;
    this.cardContext = (alert) => (alert && forAlert ? forAlert(alert) : { now: clock(), ...(tenantId ? { tenantId } : {}) });
    const renderAlert = options.renderAlert ?? ((alert: Alert, ctx: CardContext) => alertCard(toAlertView(alert, ctx)));
    this.render = (alert) => renderAlert(alert, this.cardContext(alert));
    const budget = options.actionBudgetMs ?? 4_000;
    if (!(budget > 0 && budget <= 4_500))
      throw new Error('TeamsPlatform: actionBudgetMs must be between 1 and 4500 (Teams waits 5 s for a card action)');
    this.deps = {
      router: options.router,
      proactive: this.proactive,
      conversations: this.conversations,
      members: new MemberDirectory(this.logger),
      tasks: this.tasks,
      logger: this.logger,
      ...(options.hunt ? { hunt: options.hunt } : {}),
      ...(options.onTransition ? { onTransition: options.onTransition } : {}),
      ...(options.postedCopy ? { postedCopy: options.postedCopy } : {}),
      ...(options.onInstalled ? { onInstalled: options.onInstalled } : {}),
      cardContext: this.cardContext,
      renderAlert: (alert, copy) => this.renderCopy(alert, copy),
      actionBudgetMs: budget,
      // An unset key makes every member lookup a no-op.
      connectorKey: options.lookupMembers === false ? Symbol('no member lookup') : this.adapter.ConnectorClientKey,
    };
    this.registerRoutes();
    this.requestHandler = (req, res, next) => this.handle(req, res, next);
    if (this.authMode === 'anonymous') {
      this.logger.warn(
        'Teams: no bot credentials (TEAMS_APP_ID); accepting unauthenticated requests from this machine only (Agents Playground). Never expose this endpoint.',
      );
    } else {
      this.logger.info({ appId: auth.appId }, 'Teams: every request to /api/messages must carry a valid Bot Framework token');
    }
  }

  private registerRoutes(): void {
    const deps = this.deps;
    this.app.onTurn('beforeTurn', async (ctx) => {
      await captureConversation(ctx, deps);
      learnTeamChannels(ctx, deps);
      logRemoval(ctx, deps);
      announceInstall(ctx, deps);
      return true;
    });
    this.app.addRoute(
      async (ctx) => isExecuteAction(ctx),
      (ctx) => handleExecute(ctx, deps),
      true,
    );
    this.app.addRoute(
      async (ctx) => isSubmitAction(ctx),
      (ctx) => handleSubmit(ctx, deps),
    );
    this.app.addRoute(
      async (ctx) => ctx.activity.type === 'message' && typeof ctx.activity.text === 'string' && ctx.activity.text.trim().length > 0,
      (ctx) => handleCommandMessage(ctx, deps),
    );
    // Installation and membership events only need the capture above.
    this.app.addRoute(
      async (ctx) => ctx.activity.type === 'installationUpdate' || ctx.activity.type === 'conversationUpdate',
      async () => undefined,
    );
  }

  private async onTurnError(ctx: TurnContext, err: Error): Promise<void> {
    this.logger.error({ err: errorText(err), type: ctx.activity.type, name: ctx.activity.name }, 'Teams: turn failed');
    if (ctx.activity.type === 'message') {
      try {
        await ctx.sendActivity('⚠️ FirstWatch could not handle that message; the error is in its log.');
      } catch {
        // The connector is what failed; the log line above is all we can do.
      }
    }
  }

  private handle(req: Request, res: Response, next: NextFunction): void {
    if (this.authMode === 'anonymous' && !isLoopbackAddress(req.socket.remoteAddress)) {
      res
        .status(401)
        .json({ error: 'This FirstWatch has no Teams credentials; it accepts unauthenticated requests from this machine only.' });
      return;
    }
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      res.status(400).json({ error: 'The body must be a Bot Framework activity (a JSON object with a "type").' });
      return;
    }
    // One activity per event-loop turn: a burst of card clicks (each answered with its card, all of it CPU) is
    // handled as a queue of short slices, with the loop's timers and other requests running between them.
    this.turns
      .turn()
      .then(() => this.authorizeAndProcess(req, res, next, body))
      .catch((err: unknown) => this.failed(res, next, err));
  }

  private authorizeAndProcess(req: Request, res: Response, next: NextFunction, body: object): void {
    const sdkReq = req as unknown as Parameters<CloudAdapter['process']>[0];
    const sdkRes = res as unknown as Parameters<CloudAdapter['process']>[1];
    // The SDK answers a refused token with its own error text: the caller gets a fixed body, the log the detail.
    const send = res.send;
    res.send = function refusal(this: Response, body?: unknown): Response {
      res.send = send;
      if (res.statusCode === 401 || res.statusCode === 403) return unauthorized(body);
      return send.call(this, body);
    } as Response['send'];
    const unauthorized = (detail: unknown): Response => {
      this.logger.warn(
        { detail: typeof detail === 'string' ? detail.slice(0, 300) : JSON.stringify(detail ?? null).slice(0, 300) },
        'Teams: request refused',
      );
      return res.status(401).json({ error: 'unauthorized' });
    };
    this.adapter
      .authorizeRequest(sdkReq, sdkRes, () => {
        res.send = send;
        if (this.authMode === 'authenticated') {
          const problem = tokenProblem((req as Request & { user?: unknown }).user, body, this.tokenPolicy);
          if (problem !== undefined) {
            unauthorized(problem);
            return;
          }
        }
        this.adapter.process(sdkReq, sdkRes, (ctx) => this.app.run(ctx)).catch((err: unknown) => this.failed(res, next, err));
      })
      .catch((err: unknown) => {
        res.send = send;
        this.failed(res, next, err);
      });
  }

  private failed(res: Response, next: NextFunction, err: unknown): void {
    this.logger.error({ err: errorText(err) }, 'Teams: request failed');
    if (res.headersSent) return;
    next(err);
  }

  private async target(target: string, what: string): Promise<TeamsConversation> {
    const found = await this.conversations.lookup(target);
    if (found.ok) {
      this.reportedMissing.delete(target);
      return found.conversation;
    }
    if (!this.reportedMissing.has(target)) {
      this.reportedMissing.add(target);
      this.logger.warn({ target }, found.message);
    }
    throw new DeliveryError(`${what}: ${found.message}`, found.reason === 'invalid' ? 'fatal' : 'wait');
  }

  async postAlert(target: string, alert: Alert, options?: CardOptions): Promise<MessageRef> {
    const what = `post ${alert.id} to Teams ${target}`;
    const c = await this.target(target, what);
    this.holdUnlessSeen(c, what);
    const card = this.renderCopy(alert, options);
    const message = { card, summary: `${alert.id}: ${alert.title}`.slice(0, 200) };
    if (c.kind === 'channel') {
      const thread = await this.proactive.createThread(c, message, what);
      return { platform: 'teams', target, messageId: thread.messageId, threadId: thread.threadId };
    }
    const messageId = await this.proactive.send(c, c.conversationId, message, what);
    return { platform: 'teams', target, messageId, threadId: c.conversationId };
  }

  async updateAlert(ref: MessageRef, alert: Alert, options?: CardOptions): Promise<void> {
    const what = `update ${alert.id} in Teams ${ref.target}`;
    this.checkRef(ref, what);
    const c = await this.target(ref.target, what);
    await this.proactive.update(
      c,
      ref.threadId ?? c.conversationId,
      ref.messageId,
      { card: this.renderCopy(alert, options), summary: `${alert.id}: ${alert.title}`.slice(0, 200) },
      what,
    );
  }

  async postDigest(target: string, digest: DigestView): Promise<MessageRef> {
    const what = `post a storm digest to Teams ${target}`;
    const c = await this.target(target, what);
    this.holdUnlessSeen(c, what);
    const message = { card: digestCard(digest), summary: `Alert storm: ${digest.count} new alerts` };
    if (c.kind === 'channel') {
      const thread = await this.proactive.createThread(c, message, what);
      return { platform: 'teams', target, messageId: thread.messageId, threadId: thread.threadId };
    }
    const messageId = await this.proactive.send(c, c.conversationId, message, what);
    return { platform: 'teams', target, messageId, threadId: c.conversationId };
  }

  async postBlind(target: string, view: BlindView): Promise<MessageRef> {
    const what = `post a blind-detection report to Teams ${target}`;
    const c = await this.target(target, what);
    this.holdUnlessSeen(c, what);
    const message = { card: blindCard(view), summary: `Detection blind: ${view.detectionTitle}`.slice(0, 200) };
    if (c.kind === 'channel') {
      const thread = await this.proactive.createThread(c, message, what);
      return { platform: 'teams', target, messageId: thread.messageId, threadId: thread.threadId };
    }
    const messageId = await this.proactive.send(c, c.conversationId, message, what);
    return { platform: 'teams', target, messageId, threadId: c.conversationId };
  }

  /** A post nobody could see there yet (no Playground page on it) is held until released, not sent. */
  private holdUnlessSeen(c: TeamsConversation, what: string): void {
    const unseen = this.unseen?.(c);
    if (unseen !== undefined) throw new DeliveryError(`${what}: ${unseen}`, 'hold');
  }

  /** The escalation copy opens with the on-call mention and who escalated it; other copies are the plain card. */
  private renderCopy(alert: Alert, options: CardOptions | undefined): object {
    const card = this.render(alert);
    if (options?.escalation === undefined) return card;
    return withEscalationIntro(card, escalationIntro(alert, this.cardContext(alert).now), options.escalation.mention);
  }

  async replyInThread(ref: MessageRef, text: string): Promise<void> {
    const what = `reply under ${ref.messageId} in Teams ${ref.target}`;
    this.checkRef(ref, what);
    if (typeof text !== 'string' || text.trim().length === 0) throw new DeliveryError(`${what}: the reply text is empty`, 'fatal');
    const c = await this.target(ref.target, what);
    await this.proactive.send(c, ref.threadId ?? c.conversationId, { text: text.slice(0, 4000) }, what);
  }

  private checkRef(ref: MessageRef, what: string): void {
    if (ref?.platform !== 'teams' || typeof ref.messageId !== 'string' || ref.messageId.length === 0 || typeof ref.target !== 'string') {
      throw new DeliveryError(`${what}: not a Teams message reference (${JSON.stringify(ref).slice(0, 120)})`, 'fatal');
    }
  }

  /** Connector calls retried in place so far (429s and other transient answers). */
  rateLimitedCount(): number {
    return this.sender.retriedCount;
  }

  /** Posts that may have been accepted although they failed (502, 504, cut off); each retry of one may duplicate it. */
  ambiguousPostCount(): number {
    return this.sender.ambiguousPosts;
  }

  /** Lets running hunts and card redraws finish (at most `timeoutMs`). */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.tasks.drain(timeoutMs);
  }

  /** Background work still running (hunts, redraws), for tests and shutdown logs. */
  get pendingTasks(): number {
    return this.tasks.size;
  }

  /** Resolves once all background work started so far has settled. */
  async idle(timeoutMs = 30_000): Promise<void> {
    await this.tasks.drain(timeoutMs);
  }
}
