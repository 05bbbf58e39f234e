import type { Logger } from '../logging/logger';
import { Schedule } from '../poller/schedule';
import { startHttpServer, type HttpServer, type ReadyCheck } from '../server';
import type { App } from './build';

export interface Running {
  http: HttpServer;
  schedule: Schedule;
  /** Resolves when the start-up catch-up polls have finished. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

interface PollState {
  at?: Date;
  ok?: boolean;
  error?: string;
}

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
  const polls = new Map<string, PollState>();
  const schedule = new Schedule(
    app.detections.map((detection) => ({
      name: detection.slug,
      cron: detection.cron,
      run: async () => {
        // Several replicas share one database: only the lock holder polls.
        if (!(await app.leadership.tryAcquire())) {
          logger.info({ detection: detection.slug, holder: app.leadership.describe() }, 'another replica polls; skipped');
          return;
        }
        const outcomes = await app.poller.runDetection(detection);
        const failed = outcomes.find((o) => !o.ok);
        polls.set(detection.slug, { at: app.clock(), ok: failed === undefined, error: failed?.error });
      },
    })),
    logger.child({ component: 'schedule' }),
  );
  const http = await startHttpServer({
    host: app.config.server.host,
    port: app.config.server.port,
    logger: logger.child({ component: 'http' }),
    teams: extra.teams,
    slack: extra.slack,
    readiness: async () => [...(await storeCheck(app)), ...pollChecks(app, polls), ...((await extra.readiness?.()) ?? [])],
  });
  logger.info({ url: http.url }, 'HTTP server listening');
  try {
    await extra.afterListen?.(http.url);
  } catch (err) {
    await http.close();
    throw err;
  }
  app.dispatcher.start();
  const caughtUp = schedule.start();
  for (const d of app.detections) {
    logger.info({ detection: d.slug, cron: d.cron, next: schedule.nextRuns(d.slug, 1)[0] }, 'detection scheduled');
  }
  return {
    http,
    schedule,
    caughtUp,
    stop: async () => {
      await schedule.stop();
      await http.close();
      await app.dispatcher.stop();
    },
  };
}

async function storeCheck(app: App): Promise<ReadyCheck[]> {
  try {
    await app.store.getWatermark('readiness', 'readiness');
    return [{ name: 'store', ok: true }];
  } catch (err) {
    return [{ name: 'store', ok: false, detail: err instanceof Error ? err.message : String(err) }];
  }
}

function pollChecks(app: App, polls: Map<string, PollState>): ReadyCheck[] {
  return app.detections.map((d) => {
    const p = polls.get(d.slug);
    if (p === undefined) return { name: `poll:${d.slug}`, ok: true, detail: 'not run yet' };
    return {
      name: `poll:${d.slug}`,
      ok: p.ok === true,
      detail: p.ok === true ? `last run ${p.at?.toISOString()}` : `last run failed: ${p.error ?? 'unknown error'}`,
    };
  });
}

/** SIGINT/SIGTERM: stop the schedule, finish what is in flight, close the store, exit 0. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
