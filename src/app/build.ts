import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AlertService } from '../alerts/alert-service';
import { AccessPolicy } from '../alerts/access/access-policy';
import { AllowListAuthorizer } from '../alerts/authorizer';
import { HuntError } from '../alerts/hunt/errors';
import { HuntService } from '../alerts/hunt/service';
import { PerUserHuntLimit } from '../alerts/hunt/per-user-limit';
import { cardContextFactory, type CardContextFor } from '../cards/card-context';
import { ConsolePlatform } from '../chat/console/console-platform';
import type { HuntRunner } from '../alerts/commands';
import type { ChatPlatform } from '../delivery/chat-platform';
import type { ChatPlatformName } from '../delivery/types';
import { CommandRouter } from '../chat/router/command-router';
import { isLocalEndpoint, type Config } from '../config';
import { loadDetections } from '../detections';
import type { Detection } from '../detections/types';
import type { Logger } from '../logging/logger';
import { EscalationService } from '../escalation';
import { Dispatcher, type DispatcherOptions } from '../delivery/dispatcher';
import { BlindReports } from '../delivery/blind-reports';
import { Poller, type WorkspaceBinding } from '../poller/poller';
import type { Leadership } from '../store/leadership';
import { PostgresLeadership } from '../store/postgres/leadership';
import { SqliteLeadership } from '../store/sqlite/leadership';
import { openPostgresStore, openSqliteStore, type Store } from '../store';
import type { DeliveryTarget } from '../delivery/types';
import { LogAnalyticsSource, type QuerySource, type WorkspaceThread } from '../workspace';
import { observeDeliveries, observeHunts, observeInteractions, observeQueryLimiter, observeRateLimits } from '../observability/instrument';
import { QueryLimiter } from '../poller/query-limiter';
import { TableCatalog } from '../workspace/table-catalog';
import { CrossWorkspaceQueries } from '../poller/cross-workspace';
import { Metrics } from '../observability/metrics';
import { startLocalWorkspace } from './local-workspace';
import { systemClock, type Clock } from '../time/clock';
import { placeResolver } from './places';
import { buildIncidentSync, type IncidentWiring } from './incidents';
import { AnswersOwed } from '../chat/answers-owed';

export interface BuildOptions {
  logger: Logger;
  /** Where the console platform writes cards (default stdout). */
  consoleOut?: NodeJS.WritableStream;
  clock?: Clock;
  /** Series registry the components report to (default: a new one with the process metrics). */
  metrics?: Metrics;
  /** Write nothing into the local workspace folder (dry runs). */
  readOnlyWorkspace?: boolean;
}

/** Every long-lived object of a FirstWatch process, built from configuration. */
export interface App {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** What the dispatcher, the router, the hunts and the platforms report, for /metrics. */
  metrics: Metrics;
  store: Store;
  detections: Detection[];
  sources: QuerySource[];
  workspaces: WorkspaceBinding[];
  alerts: AlertService;
  router: CommandRouter;
  /** Hunts every workspace, or the one a request names (`HuntRequest.workspace`). */
  hunt: HuntRunner;
  /** Hunts one workspace by name (case-insensitive); throws UnknownWorkspaceError naming the configured ones. */
  huntIn(workspace: string): HuntRunner;
  cardContext: CardContextFor;
  platforms: Partial<Record<ChatPlatformName, ChatPlatform>>;
  /** Adds a chat platform and its targets (Teams and Slack are started by the runner). */
  addPlatform(platform: ChatPlatform, targets: string[]): void;
  /** Queues new alerts for targets of a platform this process does not run; they wait until one that does posts them. */
  addTargets(platform: ChatPlatformName, targets: string[]): void;
  dispatcher: Dispatcher;
  /** Escalation copies and auto-escalation; start() runs its periodic check. */
  escalation: EscalationService;
  poller: Poller;
  /** Only the holder polls; every replica delivers and serves interactions. */
  leadership: Leadership;
  /** Says in the alert channels when a detection cannot read its window for longer than its frequency. */
  blind: BlindReports;
  /** Aborts every poll query in flight or queued (shutdown): an aborted poll stores nothing. */
  stopQueries(): void;
  /** The Slack and Teams requests not yet answered: the HTTP server counts them, the platforms' slow halves wait for them. */
  answers: AnswersOwed;
  localWorkspace?: WorkspaceThread;
  /** Sentinel incidents followed and written back; undefined when every workspace runs rules only. */
  incidents?: IncidentWiring;
  close(): Promise<void>;
}

/** A workspace name that configuration does not list. */
export class UnknownWorkspaceError extends Error {
  override name = 'UnknownWorkspaceError';
}

export async function buildApp(config: Config, options: BuildOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics({ clock });
  const detections = loadDetections(config.schedule.detectionsDir, {
    scheduleOverrides: config.schedule.scheduleOverrides,
    defaultCron: config.schedule.pollCron,
  });
  // Shown once, by `doctor`; not on every start and every CLI command.
  for (const warning of detections.warnings) logger.debug({ warning }, 'detection file');
  for (const bad of detections.rejected) {
    logger.error(
      { file: bad.file, field: bad.field, problem: bad.problem },
      `detection file rejected, the other rules run: ${bad.message}`,
    );
  }
  logger.info({ detections: detections.map((d) => d.slug) }, 'detections loaded');

  const store = await openStore(config, logger);
  const leadership = openLeadership(config.storage, logger);
  let localWorkspace: WorkspaceThread | undefined;
  const sources: QuerySource[] = [];
  try {
    for (const entry of config.workspaces) {
      if (entry.mode === 'local') {
        localWorkspace = await startLocalWorkspace(config.workspace.localDir, config.workspace.localPort, logger, {
          readOnly: options.readOnlyWorkspace,
        });
        sources.push(
          new LogAnalyticsSource({
            name: entry.name,
            workspaceId: localWorkspace.workspaceIds[0] as string,
            endpoint: localWorkspace.url,
            local: true,
            maxRetries: config.workspace.queryMaxRetries,
            serverTimeoutSeconds: config.workspace.queryTimeoutSeconds,
          }),
        );
      } else {
        sources.push(
          new LogAnalyticsSource({
            name: entry.name,
            workspaceId: entry.workspaceId,
            endpoint: entry.endpoint,
            // A loopback http endpoint is a local workspace server: no Azure token crosses it.
            local: isLocalEndpoint(entry.endpoint),
            maxRetries: config.workspace.queryMaxRetries,
            serverTimeoutSeconds: config.workspace.queryTimeoutSeconds,
          }),
        );
      }
    }
  } catch (err) {
    await localWorkspace?.close();
    await store.close();
    throw err;
  }
  // Portal links need one workspace's ARM id; with several, cards go without them.
  const workspaceResourceId = config.workspaces.length === 1 ? config.workspaces[0]?.resourceId : undefined;

  const cardContext = cardContextFactory({
    clock,
    tenantId: config.azure.tenantId,
    workspaceResourceId,
    queries: new Map(detections.map((d) => [d.id, d.query])),
  });
  const escalationTargets = escalationDestinations(config);
  const workspaces: WorkspaceBinding[] = sources.map((source) => ({ name: source.name, source, targets: [] as DeliveryTarget[] }));
  const responders = config.responders;
  const alerts = new AlertService({
    store,
    clock,
    // 'open' is the embedded demo only: configuration refuses it once a real chat platform is set.
    authorizer:
      responders.mode === 'open'
        ? new AllowListAuthorizer([])
        : new AccessPolicy({
            allow: responders.allow,
            channelMembers: responders.channelMembers,
            workspaces: config.workspaces.map((w) => ({
              name: w.name,
              ...(w.responders !== undefined ? { responders: w.responders } : {}),
            })),
            places: placeResolver({ workspaces, escalation: escalationTargets, conversations: store }),
          }),
    ...(escalationTargets.length > 0 ? { escalatesTo: config.escalation.name } : {}),
  });
  const router = new CommandRouter({
    alerts,
    store,
    deliveries: store,
    huntLimits: { defaultMs: config.hunt.defaultLookbackMs, maxMs: config.hunt.maxLookbackMs },
    workspaces: sources.map((s) => s.name),
    onInteraction: observeInteractions(metrics, logger.child({ component: 'interactions' })),
    clock,
    ...(config.hunt.perUserPerMinute > 0 ? { huntsPerUser: new PerUserHuntLimit(config.hunt.perUserPerMinute) } : {}),
  });
  // Learned once per workspace (and again hourly or when a query meets a change): hunts and enrichment query only what is there.
  const tables = new TableCatalog();
  const huntTimed = observeHunts(metrics);
  const huntOver = (over: QuerySource[]): HuntService =>
    new HuntService({
      sources: over,
      tables,
      store,
      clock,
      limits: {
        maxConcurrency: config.hunt.maxConcurrency,
        cacheSeconds: config.hunt.cacheSeconds,
        maxLookbackMs: config.hunt.maxLookbackMs,
      },
      links: { tenantId: config.azure.tenantId, workspaceResourceId },
      onTiming: huntTimed,
    });
  const everywhere = huntOver(sources);
  const huntsByWorkspace = new Map<string, HuntService>();
  const huntIn = (workspace: string): HuntService => {
    const source = sources.find((s) => s.name.toLowerCase() === workspace.trim().toLowerCase());
    if (source === undefined) {
      throw new UnknownWorkspaceError(
        `no workspace named ${JSON.stringify(workspace)}: configured are ${sources.map((s) => s.name).join(', ')}`,
      );
    }
    let one = huntsByWorkspace.get(source.name);
    if (one === undefined) {
      one = huntOver([source]);
      huntsByWorkspace.set(source.name, one);
    }
    return one;
  };
  const hunt: HuntRunner = {
    run: async (request, ctx) => {
      const named = request?.workspace;
      if (named === undefined) return everywhere.run(request, ctx);
      let one: HuntService;
      try {
        one = huntIn(named);
      } catch (err) {
        if (err instanceof UnknownWorkspaceError) {
          // Refused before any hunt service saw it: counted here, as the services count their own refusals.
          huntTimed({ upn: '', cached: false, outcome: 'refused', queuedMs: 0, queryMs: 0, totalMs: 0 });
          throw new HuntError('invalid', err.message);
        }
        throw err;
      }
      const { workspace: _named, ...rest } = request;
      return one.run(rest, ctx);
    },
  };

  const platforms: Partial<Record<ChatPlatformName, ChatPlatform>> = {};
  const dispatcher = new Dispatcher({
    store,
    platforms,
    logger: logger.child({ component: 'dispatcher' }),
    clock,
    escalationCopies: escalationCopies(config),
    ...(config.escalation.storm.threshold > 0 ? { storm: { ...config.escalation.storm } } : {}),
    quietThreads: quietThreads(config),
    onDelivery: observeDeliveries(metrics),
  });
  const escalation = new EscalationService({
    store,
    alerts,
    logger: logger.child({ component: 'escalation' }),
    clock,
    destinations: escalationTargets,
    autoEscalateAfter: config.escalation.autoEscalateAfterMs,
    ...(config.escalation.remindBeforeMs !== undefined ? { remindBeforeMs: config.escalation.remindBeforeMs } : {}),
    checkIntervalMs: config.escalation.checkIntervalMs,
    onQueued: () => dispatcher.kick(),
  });
  escalation.attach();
  const addTargets = (platform: ChatPlatformName, names: string[]): void => {
    config.workspaces.forEach((entry, i) => {
      // A workspace's own channels for a platform take the place of the platform's.
      const own = platform === 'slack' ? entry.slackChannels : platform === 'teams' ? entry.teamsChannels : undefined;
      for (const target of own ?? names) workspaces[i]?.targets.push({ platform, target });
    });
  };
  const addPlatform = (platform: ChatPlatform, names: string[]): void => {
    platforms[platform.name] = platform;
    observeRateLimits(metrics, platform);
    addTargets(platform.name, names);
  };
  if (config.console.enabled) {
    addPlatform(new ConsolePlatform({ out: options.consoleOut, cardContext }), ['console']);
  }
  // Any transition, from any platform or the CLI, brings every copy of the card up to date.
  alerts.onChange(() => dispatcher.kick());
  const shutdown = new AbortController();
  const limiter = new QueryLimiter({ limits: config.workspace.queryLimits, onEvent: observeQueryLimiter(metrics) });
  const poller = new Poller({
    store,
    // A workspace that follows Sentinel's incidents only runs no rules of its own.
    workspaces: workspaces.filter((_, i) => config.incidents.sources[config.workspaces[i]?.name ?? ''] !== 'incidents'),
    logger: logger.child({ component: 'poller' }),
    clock,
    overlapMs: config.schedule.pollOverlapMs,
    delayAllowanceMs: config.schedule.ingestionDelayAllowanceMs,
    lateRows: { mode: config.schedule.lateRows, scanMs: config.schedule.lateRowScanMs },
    // One limiter for the identity's poll queries over every workspace and rule.
    limiter,
    ...(config.workspace.crossWorkspaceQueries ? { crossWorkspace: new CrossWorkspaceQueries({ limiter }) } : {}),
    onNewAlerts: () => dispatcher.kick(),
    onTargetsFilled: () => dispatcher.kick(),
    signal: shutdown.signal,
    tables,
  });

  const blind = new BlindReports({
    store,
    platforms,
    targetsOf: (name) => workspaces.find((w) => w.name === name)?.targets ?? [],
    logger: logger.child({ component: 'blind-reports' }),
    clock,
    onBlind: (detection, workspace, ms) => metrics.blindSeconds.set({ detection, workspace }, ms / 1000),
    onReport: (detection, workspace, posted) =>
      metrics.blindReports.inc({ detection, workspace, outcome: posted > 0 ? 'posted' : 'failed' }),
  });
  const incidents = buildIncidentSync({
    config,
    store,
    workspaces,
    detections,
    leadership,
    clock,
    logger,
    ...(localWorkspace !== undefined ? { localOrigin: localWorkspace.url.replace(/\/v1\/?$/, '') } : {}),
    onChanged: () => dispatcher.kick(),
  });
  // A decision made in chat is owed to its incident: write it back now rather than at the next interval. Only an
  // alert linked to an incident owes one (a PK read), so a burst of clicks on rule alerts asks the store for nothing more.
  if (incidents !== undefined)
    alerts.onChange((alert) => {
      store.getIncidentLink(alert.id).then(
        (link) => {
          if (link !== undefined) incidents.sync.writeSoon();
        },
        () => incidents.sync.writeSoon(),
      );
    });

  return {
    config,
    logger,
    clock,
    metrics,
    store,
    detections,
    sources,
    workspaces,
    alerts,
    router,
    hunt,
    huntIn,
    cardContext,
    platforms,
    addPlatform,
    addTargets,
    dispatcher,
    escalation,
    poller,
    leadership,
    blind,
    stopQueries: () => shutdown.abort(new Error('FirstWatch is stopping')),
    answers: new AnswersOwed(),
    localWorkspace,
    ...(incidents !== undefined ? { incidents } : {}),
    close: async () => {
      shutdown.abort(new Error('FirstWatch is stopping'));
      await incidents?.sync.stop();
      await escalation.stop();
      await dispatcher.stop();
      await leadership.release();
      await localWorkspace?.close();
      await store.close();
    },
  };
}

/** Targets with thread replies turned off, by platform or one by one ("slack:C0123ABCD"). */
function quietThreads(config: Config): (platform: ChatPlatformName, target: string) => boolean {
  const { slack, teams, quietTargets } = config.escalation.threadReplies;
  const quiet = new Set(quietTargets.map((t) => t.toLowerCase()));
  return (platform, target) =>
    (platform === 'slack' && !slack) || (platform === 'teams' && !teams) || quiet.has(`${platform}:${target}`.toLowerCase());
}

/** The escalation destination of each running chat platform. */
function escalationDestinations(config: Config): DeliveryTarget[] {
  const out: DeliveryTarget[] = [];
  if (config.slack.mode !== 'off' && config.escalation.slack !== undefined)
    out.push({ platform: 'slack', target: config.escalation.slack.channel });
  if (config.teams.mode !== 'off' && config.escalation.teams !== undefined)
    out.push({ platform: 'teams', target: config.escalation.teams.channel });
  return out;
}

function escalationCopies(config: Config): NonNullable<DispatcherOptions['escalationCopies']> {
  const { slack, teams } = config.escalation;
  const copies: NonNullable<DispatcherOptions['escalationCopies']> = {};
  if (slack !== undefined)
    copies.slack = slack.mention === undefined ? { target: slack.channel } : { target: slack.channel, mention: { id: slack.mention } };
  if (teams !== undefined)
    copies.teams = teams.mention === undefined ? { target: teams.channel } : { target: teams.channel, mention: { ...teams.mention } };
  return copies;
}

async function openStore(config: Config, logger: Logger): Promise<Store> {
  const storage = config.storage;
  switch (storage.kind) {
    case 'postgres':
      return openPostgresStore(storage.databaseUrl, {
        onPoolError: (err) => logger.warn({ err }, 'idle database connection dropped'),
      });
    case 'sqlite': {
      const file = storage.sqlitePath;
      if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      return openSqliteStore(file);
    }
  }
}

function openLeadership(storage: Config['storage'], logger: Logger): Leadership {
  switch (storage.kind) {
    case 'postgres':
      return new PostgresLeadership(storage.databaseUrl, { onError: (err) => logger.warn({ err }, 'poll lock connection') });
    case 'sqlite':
      return new SqliteLeadership(storage.sqlitePath);
  }
}
