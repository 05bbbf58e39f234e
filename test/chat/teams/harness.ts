import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AlertService } from '../../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../../src/alerts/authorizer';
import type { Alert, NewAlert } from '../../../src/alerts/types';
import { CommandRouter } from '../../../src/chat/router/command-router';
import type { HuntRunner } from '../../../src/alerts/commands';
import { TeamsPlatform, type TeamsCommandHandler, type TeamsPlatformOptions } from '../../../src/chat/teams';
import { silentLogger, type Logger } from '../../../src/logging/logger';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { newAlert } from '../../support/alert-builder';

export const DAY = 86_400_000;

/** One Run Command hit, as the poller would store it. */
export function sampleAlert(n: number, upn = `user${n}@contoso.com`): NewAlert {
  return newAlert(n, {
    title: `Run Command on vm-${n} by ${upn}`,
    severity: 'High',
    subject: { upn, displayName: `User ${n}` },
    entities: [{ type: 'Account', fields: { FullName: upn } }],
    raw: { SourceRecordId: `rec-${n}` },
  });
}

export interface BotHarness {
  store: SqliteStore;
  service: AlertService;
  router: CommandRouter;
  platform: TeamsPlatform;
  /** http://127.0.0.1:<port>/api/messages */
  endpoint: string;
  transitions: Alert[];
  seed(count: number): Promise<Alert[]>;
  close(): Promise<void>;
}

export interface BotHarnessOptions extends Partial<Omit<TeamsPlatformOptions, 'store' | 'router' | 'logger' | 'hunt'>> {
  allow?: string[];
  logger?: Logger;
  /** A runner, or one built on the harness's store. */
  hunt?: HuntRunner | ((store: SqliteStore) => HuntRunner);
  /** Puts something between the platform and the real router (e.g. a slow link). */
  wrapRouter?: (router: CommandRouter) => TeamsCommandHandler;
  /** A SQLite file to keep the state in (default: in memory). */
  storePath?: string;
}

/** The real store, service, router and Teams platform behind a loopback express server. */
export async function startBot(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const store = new SqliteStore(options.storePath ?? ':memory:');
  const service = new AlertService({ store, authorizer: new AllowListAuthorizer(options.allow ?? []) });
  const router = new CommandRouter({ alerts: service, store, huntLimits: { defaultMs: 7 * DAY, maxMs: 30 * DAY } });
  const transitions: Alert[] = [];
  const { allow: _allow, logger, hunt, wrapRouter, storePath: _storePath, ...rest } = options;
  const runner = typeof hunt === 'function' ? hunt(store) : hunt;
  const platform = new TeamsPlatform({
    nodeEnv: 'test',
    ...rest,
    ...(runner ? { hunt: runner } : {}),
    store,
    router: wrapRouter ? wrapRouter(router) : router,
    logger: logger ?? silentLogger(),
    onTransition: (alert) => {
      transitions.push(alert);
    },
  });
  const app = express();
  app.post('/api/messages', express.json({ limit: '256kb' }), platform.requestHandler);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  let n = 0;
  return {
    store,
    service,
    router,
    platform,
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    transitions,
    async seed(count) {
      const alerts = Array.from({ length: count }, () => sampleAlert(++n));
      return store.recordPoll({
        workspace: 'contoso-sentinel',
        detectionId: 'first-time-run-command',
        watermark: new Date(),
        alerts,
        targets: [],
      });
    },
    async close() {
      await platform.stop(5_000);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await store.close();
    },
  };
}
