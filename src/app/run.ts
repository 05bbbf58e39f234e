import type { Logger } from '../logging/logger';
import { TIMED_OUT, within } from '../time/timeout';
import { observePoll } from '../observability/instrument';
import type { Metrics } from '../observability/metrics';
import { observePollFindings } from '../observability/poll-findings';
import { intervalOf, pollCheck, storeCheck, type PollRecord } from '../observability/readiness';
import { Schedule } from '../poller/schedule';
import { sightOf } from '../poller/blindness';
import { startHttpServer, type HttpServer, type ReadyCheck } from '../server';
import type { App } from './build';
import { isAddressInUse, PortInUseError } from './port-in-use';

export interface Running {
  http: HttpServer;
  schedule: Schedule;
  metrics: Metrics;
  /** Resolves when the start-up catch-up polls have finished. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/** How long a stop waits for a poll in progress; an unfinished poll stored nothing and the next run covers its window. */
const POLL_STOP_BUDGET_MS = 5_000;
/** How long a stop waits for the dispatcher's pass in hand; what it did not finish stays in the outbox. */
const DELIVERY_STOP_BUDGET_MS = 8_000;

/**
 * The long-running job: every detection on its schedule (plus a catch-up run
 * now), the dispatcher, and the HTTP routes.
 */
export async function runApp(
  app: App,
  extra: {
    teams?: Parameters<typeof startHttpServer>[0]['teams'];
    slack?: Parameters<typeof startHttpServer>[0]['slack'];
    readiness?: () => Promise<ReadyCheck[]>;
    /** Runs once the HTTP server listens, before the first poll (e.g. the Agents Playground, which calls the bot). */
    afterListen?: (serverUrl: string) => Promise<void>;
  } = {},
): Promise<Running> {
  const { logger } = app;
  // The components report to app.metrics through the hooks buildApp gave them; polls and requests are counted here.
  const metrics = app.metrics;
  const polls = new Map<string, PollRecord>();
  const startedAt = app.clock();
  const schedule = new Schedule(
    app.detections.map((detection) => ({
      name: detection.slug,
      cron: detection.cron,
      run: async () => {
        // Several replicas share one database: only the lock holder polls.
        if (!(await app.leadership.tryAcquire())) {
          logger.info({ detection: detection.slug, holder: app.leadership.describe() }, 'another replica polls; skipped');
          // A follower is as ready as its leader: the skip counts as a fresh look.
          polls.set(detection.slug, { at: app.clock(), ok: true });
          return;
        }
        const outcomes = await app.poller.runDetection(detection);
        const at = app.clock();
        observePoll(metrics, detection.slug, outcomes, at);
        observePollFindings(metrics, detection.slug, outcomes);
        await app.blind.observe(detection, outcomes.map(sightOf));
        const failed = outcomes.find((o) => !o.ok);
        polls.set(detection.slug, { at, ok: failed === undefined, error: failed?.error });
      },
    })),
    logger.child({ component: 'schedule' }),
  );
  const readiness = async (): Promise<ReadyCheck[]> => {
    const now = app.clock();
    return [
      await storeCheck(app.store),
      ...app.detections.map((d) => pollCheck(d.slug, polls.get(d.slug), intervalOf(schedule.nextRuns(d.slug, 2)), now, startedAt)),
      ...platformChecks(app),
      ...((await extra.readiness?.()) ?? []),
    ];
  };
  const http = await listenOrExplain(app.config.server.port, () =>
    startHttpServer({
      host: app.config.server.host,
      port: app.config.server.port,
      logger: logger.child({ component: 'http' }),
      teams: extra.teams,
      slack: extra.slack,
      readiness,
      metrics: () => metrics.render(),
      ...(app.config.server.metricsToken !== undefined ? { metricsToken: app.config.server.metricsToken } : {}),
      onRequest: (route, status) => metrics.httpRequests.inc({ route, status: `${Math.floor(status / 100)}xx` }),
      answers: app.answers,
    }),
  );
  logger.info({ url: http.url }, 'HTTP server listening');
  try {
    await extra.afterListen?.(http.url);
  } catch (err) {
    await http.close();
    throw err;
  }
  app.dispatcher.start();
  // Auto-escalation and escalation-copy repair run on every replica; each check reads stored state only.
  app.escalation.start();
  // Sentinel incidents: new ones read, portal changes followed, chat decisions written back.
  app.incidents?.sync.start();
  const caughtUp = schedule.start();
  // Once the rules caught up, incidents of the same hits find their alerts at once (ALERT_SOURCE=both).
  void caughtUp.then(
    () => app.incidents?.sync.kick(),
    () => undefined,
  );
  for (const d of app.detections) {
    logger.info({ detection: d.slug, cron: d.cron, next: schedule.nextRuns(d.slug, 1)[0] }, 'detection scheduled');
  }
  return {
    http,
    schedule,
    metrics,
    caughtUp,
    stop: async () => {
      // Queries in flight are abandoned, not awaited: an aborted poll stores nothing and the next run reads its window.
      app.stopQueries();
      if (!(await finishedWithin(schedule.stop(), POLL_STOP_BUDGET_MS))) {
        logger.warn({ budgetMs: POLL_STOP_BUDGET_MS }, 'a poll was still running at stop; its window is covered by the next run');
      }
      await http.close();
      await app.incidents?.sync.stop();
      if (!(await finishedWithin(app.dispatcher.stop(), DELIVERY_STOP_BUDGET_MS))) {
        logger.warn({ budgetMs: DELIVERY_STOP_BUDGET_MS }, 'deliveries still in flight at stop; they stay in the outbox');
      }
    },
  };
}

/** A taken port is said in one line (PortInUseError), not as a stack trace. */
async function listenOrExplain(port: number, listen: () => Promise<HttpServer>): Promise<HttpServer> {
  try {
    return await listen();
  } catch (err) {
    if (isAddressInUse(err)) throw new PortInUseError(port);
    throw err;
  }
}

function platformChecks(app: App): ReadyCheck[] {
  const names = Object.keys(app.platforms);
  if (names.length === 0) return [{ name: 'platforms', ok: true, detail: 'none configured (deliveries wait in the outbox)' }];
  return names.map((name) => ({ name: `platform:${name}`, ok: true, detail: 'started' }));
}

/** True when the work finished within the budget. */
async function finishedWithin(work: Promise<unknown>, budgetMs: number): Promise<boolean> {
  return (await within(work, budgetMs)) !== TIMED_OUT;
}

/** SIGINT/SIGTERM: stop the schedule, finish what is in flight (bounded), close the store, exit 0. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error({ signal }, 'stop took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    stop()
      .then(() => {
        logger.info({ signal }, 'stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
