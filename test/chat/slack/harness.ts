import { Writable } from 'node:stream';
import { AlertService } from '../../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../../src/alerts/authorizer';
import type { Alert, HuntReport, NewAlert } from '../../../src/alerts/types';
import type { HuntRunner } from '../../../src/alerts/commands';
import { CommandRouter } from '../../../src/chat/router/command-router';
import { createSlack, type Slack, type SlackOptions } from '../../../src/chat/slack';
import { createLogger, type Logger } from '../../../src/logging/logger';
import { Dispatcher } from '../../../src/delivery/dispatcher';
import { startHttpServer, type HttpServer } from '../../../src/server';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { startSlackStandin, type SlackStandin, type SlackStandinOptions } from '../../support/slack-standin';

export const ALERTS_CHANNEL = 'C0ALERTS';
const DAY = 86_400_000;

/** Log lines as pino wrote them, for "reported once" assertions. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim().length > 0) this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    this.logger = createLogger('debug', sink);
  }
  matching(re: RegExp): Record<string, unknown>[] {
    return this.lines.filter((l) => typeof l.msg === 'string' && re.test(l.msg));
  }
}

export function newAlert(n: number, overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    detectionId: 'first-time-run-command',
    detectionName: 'First-time Run Command on a VM',
    title: `First-time Run Command by user${n}@contoso.com`,
    description: 'An account ran a command on a VM for the first time.',
    severity: 'High',
    tactics: ['LateralMovement', 'Execution'],
    techniques: ['T1021.008', 'T1651'],
    fingerprint: `rec-${n}|Run Command on Virtual Machine`,
    workspace: 'contoso-sentinel',
    eventTime: new Date(Date.now() - 10 * 60_000),
    subject: { upn: `user${n}@contoso.com`, displayName: `User ${n}` },
    action: 'Run Command on Virtual Machine',
    sourceIp: '203.0.113.7',
    insights: ['FirstTimeUserPerformedAction'],
    investigationPriority: 5,
    entities: [{ type: 'Account', fields: { FullName: `user${n}@contoso.com` } }],
    details: { Mechanism: 'Run Command' },
    target: { found: true, kind: 'azure-vm', name: `vm-${n}`, mechanism: 'Run Command' },
    raw: { SourceRecordId: `rec-${n}` },
    ...overrides,
  };
}

/** A HuntRunner whose answer the test controls (the hunt engine is another module). */
export class GatedHunt implements HuntRunner {
  readonly requests: Parameters<HuntRunner['run']>[0][] = [];
  private gates: { resolve: (r: HuntReport) => void; reject: (e: Error) => void }[] = [];
  private waiters: (() => void)[] = [];
  run(request: Parameters<HuntRunner['run']>[0]): Promise<HuntReport> {
    this.requests.push(request);
    for (const w of this.waiters.splice(0)) w();
    return new Promise<HuntReport>((resolve, reject) => this.gates.push({ resolve, reject }));
  }
  /** Resolves once run() has been called `n` times in all. */
  called(n = 1): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.requests.length >= n) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }
  finish(report: HuntReport): void {
    this.gates.shift()?.resolve(report);
  }
  fail(message: string): void {
    this.gates.shift()?.reject(new Error(message));
  }
}

export function huntReport(upn: string): HuntReport {
  const end = new Date();
  const start = new Date(end.getTime() - DAY);
  return {
    upn,
    period: { start, end },
    workspaces: ['contoso-sentinel'],
    totalEvents: 3,
    bySource: { AzureActivity: 2, SigninLogs: 1 },
    timeline: [{ day: start.toISOString().slice(0, 10), count: 3 }],
    activities: [
      {
        source: 'AzureActivity',
        action: 'Run Command on Virtual Machine',
        count: 2,
        first: start,
        last: end,
        ips: ['203.0.113.7'],
        targets: ['vm-1'],
        statuses: ['Succeeded'],
        insights: [],
      },
    ],
    signIns: [{ result: 'Success', count: 1 }],
    sourceIps: [{ ip: '203.0.113.7', count: 3 }],
    resources: [{ resource: 'vm-1', count: 2 }],
    insights: [],
    recent: [{ time: end, source: 'AzureActivity', action: 'Run Command on Virtual Machine', target: 'vm-1', status: 'Succeeded' }],
    alerts: [],
    links: {},
    query: 'union isfuzzy=true AzureActivity',
  };
}

export interface SlackHarness {
  standin: SlackStandin;
  store: SqliteStore;
  service: AlertService;
  router: CommandRouter;
  slack: Slack;
  server: HttpServer;
  dispatcher: Dispatcher;
  logs: LogCapture;
  /** Alerts handed to onTransition, in order. */
  transitions: Alert[];
  /** Stores alerts (as the poller would) and drains the outbox into Slack. */
  postAlerts(count: number, firstN?: number, channel?: string): Promise<Alert[]>;
  /** The card message the dispatcher posted for an alert. */
  cardOf(alertId: string): { channel: string; ts: string };
  /** Resolves when onTransition has been called `n` times in all. */
  transitioned(n?: number): Promise<Alert>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  allow?: string[];
  hunt?: HuntRunner;
  huntVisibility?: SlackOptions['huntVisibility'];
  standin?: SlackStandinOptions;
  queue?: SlackOptions['queue'];
  channels?: string[];
  /** Socket Mode (app token) instead of HTTP mode (signing secret). */
  socketMode?: boolean;
  huntTimeoutMs?: number;
  /** The dispatcher's clock (when deliveries are due); the system clock unless a test moves it. */
  dispatcherClock?: () => Date;
}

export async function slackHarness(opts: HarnessOptions = {}): Promise<SlackHarness> {
  const standin = await startSlackStandin(opts.standin);
  const logs = new LogCapture();
  const store = new SqliteStore(':memory:');
  const service = new AlertService({ store, authorizer: new AllowListAuthorizer(opts.allow ?? ['alice@contoso.com', 'bob@contoso.com']) });
  const router = new CommandRouter({ alerts: service, store, huntLimits: { defaultMs: DAY, maxMs: 30 * DAY } });
  const transitions: Alert[] = [];
  const transitionWaiters: (() => void)[] = [];
  const slack = createSlack(
    {
      botToken: standin.botToken,
      ...(opts.socketMode === true ? { appToken: standin.socket.appToken } : { signingSecret: standin.signingSecret }),
      channels: opts.channels ?? [ALERTS_CHANNEL],
      apiUrl: standin.url,
      huntVisibility: opts.huntVisibility ?? 'ephemeral',
      logger: logs.logger,
      queue: opts.queue ?? { ratePerSecond: 50, burst: 10 },
      ...(opts.huntTimeoutMs !== undefined ? { huntTimeoutMs: opts.huntTimeoutMs } : {}),
    },
    {
      router,
      ...(opts.hunt !== undefined ? { hunt: opts.hunt } : {}),
      store: { releaseWaiting: (p, t) => store.releaseWaiting(p, t), getAlert: (id) => store.getAlert(id) },
      authorize: (actor, origin, action, alertId) => service.authorize(actor, origin, action, alertId),
      onTransition: (alert) => {
        transitions.push(alert);
        for (const w of transitionWaiters.splice(0)) w();
      },
    },
  );
  await slack.start();
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger: logs.logger,
    ...(slack.httpHandler !== undefined ? { slack: slack.httpHandler } : {}),
    readiness: async () => [],
  });
  standin.botEndpoint = `${server.url}/slack/events`;
  const dispatcher = new Dispatcher({
    store,
    platforms: { slack: slack.platform },
    logger: logs.logger,
    retryBaseMs: 1,
    retryMaxMs: 5,
    ...(opts.dispatcherClock !== undefined ? { clock: opts.dispatcherClock } : {}),
  });
  let fingerprint = 0;

  const h: SlackHarness = {
    standin,
    store,
    service,
    router,
    slack,
    server,
    dispatcher,
    logs,
    transitions,
    async postAlerts(count, firstN, channel = ALERTS_CHANNEL) {
      const start = firstN ?? fingerprint + 1;
      fingerprint = start + count - 1;
      const alerts = await store.recordPoll({
        workspace: 'contoso-sentinel',
        detectionId: 'first-time-run-command',
        watermark: new Date(),
        alerts: Array.from({ length: count }, (_, i) => newAlert(start + i)),
        targets: [{ platform: 'slack', target: channel }],
      });
      await dispatcher.drainUntilIdle();
      return alerts;
    },
    cardOf(alertId) {
      const m = standin.messages.find((x) => x.metadata?.event_payload.alert_id === alertId);
      if (m === undefined) throw new Error(`no card posted for ${alertId}`);
      return { channel: m.channel, ts: m.ts };
    },
    transitioned(n = 1) {
      return new Promise<Alert>((resolve) => {
        const check = (): void => {
          if (transitions.length >= n) resolve(transitions[n - 1]);
          else transitionWaiters.push(check);
        };
        check();
      });
    },
    async close() {
      await slack.stop();
      await server.close();
      await standin.close();
      await store.close();
    },
  };
  return h;
}

/** A card button's value, as the card carries it. */
export function buttonValue(verb: string, alertId: string, version: number): string {
  return JSON.stringify({ verb, alertId, version });
}

/** The button with this action_id on a posted message (the value the card really carries). */
export function buttonOn(blocks: unknown[] | undefined, actionId: string): { action_id: string; value?: string; block_id?: string } {
  for (const block of blocks ?? []) {
    const b = block as { type?: string; block_id?: string; elements?: unknown[]; accessory?: unknown };
    for (const el of [...(b.elements ?? []), ...(b.accessory !== undefined ? [b.accessory] : [])]) {
      const e = el as { action_id?: string; value?: string };
      if (e.action_id === actionId)
        return {
          action_id: actionId,
          ...(e.value !== undefined ? { value: e.value } : {}),
          ...(b.block_id !== undefined ? { block_id: b.block_id } : {}),
        };
    }
  }
  throw new Error(`no ${actionId} button on the message`);
}
