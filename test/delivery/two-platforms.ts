import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertService } from '../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import type { Alert } from '../../src/alerts/types';
import { CommandRouter } from '../../src/chat/router/command-router';
import { createSlack, type Slack } from '../../src/chat/slack';
import { CHAT_UPDATE_BUDGET } from '../../src/chat/slack/platform';
import { TeamsPlatform, ThreadRateLimiter } from '../../src/chat/teams';
import { EscalationService } from '../../src/escalation';
import { silentLogger } from '../../src/logging/logger';
import { Dispatcher } from '../../src/delivery/dispatcher';
import type { PostedCopy } from '../../src/delivery/types';
import { startHttpServer, type HttpServer } from '../../src/server';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { SlackStandin } from '../support/slack-standin';
import { ALERTS as TEAMS_ALERTS, TEAM, alex, bea, cardOf, cardText } from '../chat/teams/activities';
import type { ConnectorStandIn } from '../chat/teams/connector-standin';
import { ManualTime } from '../support/manual-time';

export const SLACK_ALERTS = 'C0ALERTS';
export const SLACK_ONCALL = 'C0ONCALL';
export const SLACK_MENTION = '<!subteam^S0ONCALL>';
export const TEAMS_ONCALL = { id: '19:secops-oncall@thread.tacv2', name: 'On-call' };
export const TEAMS_TAG = { id: 'tag-oncall-1', name: 'SecOps On-call', kind: 'tag' as const };
const DAY = 86_400_000;

export const SLACK_CHANNELS = [
  { id: SLACK_ALERTS, name: 'secops-alerts', member: true },
  { id: SLACK_ONCALL, name: 'secops-oncall', member: true },
];

/** The connector knows the team's channels and people, as Teams would. */
export function prepareConnector(connector: ConnectorStandIn): void {
  for (const p of [alex, bea])
    connector.members.set(p.id, { id: p.id, name: p.name, aadObjectId: p.aadObjectId, userPrincipalName: p.upn });
  connector.teams.set(TEAM.id, [{ id: TEAM.id }, { id: TEAMS_ALERTS.id, name: TEAMS_ALERTS.name }, TEAMS_ONCALL]);
}

/**
 * One FirstWatch process with Slack (against the stand-in) and Teams (the real
 * Agents SDK adapter against the connector stand-in) over one SQLite file; the
 * dispatcher runs only when the test drains it.
 */
export interface Process {
  store: SqliteStore;
  alerts: AlertService;
  slack: Slack;
  teams: TeamsPlatform;
  teamsEndpoint: string;
  dispatcher: Dispatcher;
  escalation: EscalationService;
  transitions: Alert[];
  close(): Promise<void>;
}

export interface ProcessOptions {
  escalation?: boolean;
  storm?: { threshold: number; postIndividual: boolean; paceMs?: number };
  clock?: () => Date;
  /** Slack redraws take slots of the workspace-wide chat.update budget from this process's store, as the app wires it (default true). */
  sharedUpdateBudget?: boolean;
}

export async function openProcess(file: string, standin: SlackStandin, opts: ProcessOptions = {}): Promise<Process> {
  const store = new SqliteStore(file, opts.clock ? { clock: opts.clock } : {});
  const withEscalation = opts.escalation ?? true;
  const alerts = new AlertService({
    store,
    authorizer: new AllowListAuthorizer(['alice@contoso.com', 'bob@contoso.com', alex.upn, bea.upn]),
    ...(withEscalation ? { escalatesTo: 'on-call' } : {}),
  });
  const router = new CommandRouter({ alerts, store, huntLimits: { defaultMs: DAY, maxMs: 30 * DAY } });
  const transitions: Alert[] = [];
  const slack = createSlack(
    {
      botToken: standin.botToken,
      signingSecret: standin.signingSecret,
      channels: [SLACK_ALERTS],
      apiUrl: standin.url,
      huntVisibility: 'ephemeral',
      logger: silentLogger(),
      queue: { ratePerSecond: 200, burst: 50 },
      ...(opts.sharedUpdateBudget !== false
        ? {
            updateBudget: () =>
              store.takeBudget(
                CHAT_UPDATE_BUDGET.key,
                CHAT_UPDATE_BUDGET.limit,
                CHAT_UPDATE_BUDGET.windowMs,
                (opts.clock ?? (() => new Date()))(),
              ),
          }
        : {}),
    },
    {
      router,
      store: { releaseWaiting: (p, t) => store.releaseWaiting(p, t), getAlert: (id) => store.getAlert(id) },
      authorize: (actor, origin, action, alertId) => alerts.authorize(actor, origin, action, alertId),
      onTransition: (alert) => {
        transitions.push(alert);
      },
    },
  );
  await slack.start();
  const slackServer: HttpServer = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    ...(slack.httpHandler ? { slack: slack.httpHandler } : {}),
    readiness: async () => [],
  });
  standin.botEndpoint = `${slackServer.url}/slack/events`;

  const teams = new TeamsPlatform({
    nodeEnv: 'test',
    store,
    router,
    logger: silentLogger(),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...(opts.clock ? { clock: opts.clock } : {}),
    // Teams' per-thread limits hold on a clock that waits cost no real time: a storm's
    // cards to one channel are paced without the test sleeping through the pacing.
    limiter: new ThreadRateLimiter(undefined, new ManualTime(Date.now())),
    onTransition: (alert) => {
      transitions.push(alert);
    },
    // As the composition wires it: a click on an outbox copy is answered as the outbox draws that copy.
    postedCopy: (alertId, messageId): Promise<PostedCopy | undefined> => dispatcher.postedCopy('teams', alertId, messageId),
  });
  const app = express();
  app.post('/api/messages', express.json({ limit: '256kb' }), teams.requestHandler);
  const teamsServer: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const teamsEndpoint = `http://127.0.0.1:${(teamsServer.address() as AddressInfo).port}/api/messages`;

  const dispatcher: Dispatcher = new Dispatcher({
    store,
    platforms: { slack: slack.platform, teams },
    logger: silentLogger(),
    retryBaseMs: 1,
    retryMaxMs: 5,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.storm ? { storm: opts.storm } : {}),
    ...(withEscalation
      ? {
          escalationCopies: {
            slack: { target: SLACK_ONCALL, mention: { id: SLACK_MENTION } },
            teams: { target: TEAMS_ONCALL.name, mention: TEAMS_TAG },
          },
        }
      : {}),
  });
  const escalation = new EscalationService({
    store,
    alerts,
    logger: silentLogger(),
    destinations: withEscalation
      ? [
          { platform: 'slack', target: SLACK_ONCALL },
          { platform: 'teams', target: TEAMS_ONCALL.name },
        ]
      : [],
  });
  escalation.attach();
  return {
    store,
    alerts,
    slack,
    teams,
    teamsEndpoint,
    dispatcher,
    escalation,
    transitions,
    async close() {
      await escalation.stop();
      await dispatcher.stop();
      await teams.stop(5_000);
      await slack.stop();
      await slackServer.close();
      const closed = new Promise<void>((resolve) => teamsServer.close(() => resolve()));
      teamsServer.closeAllConnections();
      await closed;
      await store.close();
    },
  };
}

/** The newest version of a Teams card: its last update, or the post that created its thread in `channelId`. */
export function teamsCard(connector: ConnectorStandIn, channelId: string, alertId: string, messageId: string): unknown {
  const puts = connector.find('PUT', /activities/).filter((c) => c.path.endsWith(`/activities/${messageId}`));
  const last = puts[puts.length - 1];
  if (last !== undefined) return cardOf(last.body);
  const created = connector
    .find('POST', /^\/v3\/conversations$/)
    .filter((c) => (c.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === channelId)
    .map((c) => cardOf(c.body.activity as Record<string, unknown>))
    .find((card) => cardText(card).includes(`(${alertId})`) || cardText(card).includes(alertId));
  return created;
}

export function teamsCardText(connector: ConnectorStandIn, channelId: string, alertId: string, messageId: string): string {
  return cardText(teamsCard(connector, channelId, alertId, messageId));
}

/** Waits (without a timed assertion) until `probe` holds; fails naming `what` after many tries. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
