import { AlertService } from '../../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../../src/alerts/authorizer';
import type { Alert } from '../../../src/alerts/types';
import { CommandRouter } from '../../../src/chat/router/command-router';
import { createSlack, type Slack } from '../../../src/chat/slack';
import { EscalationService } from '../../../src/escalation';
import { silentLogger } from '../../../src/logging/logger';
import { Dispatcher } from '../../../src/delivery/dispatcher';
import { startHttpServer, type HttpServer } from '../../../src/server';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { startSlackStandin, type SlackStandin } from '../../support/slack-standin';
import { buttonOn, newAlert } from './harness';

const ALERTS = 'C0ALERTS';
const ONCALL = 'C0ONCALL';
const MENTION = '<!subteam^S0ONCALL>';
const DAY = 86_400_000;

function contextText(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

describe('escalation to the Slack on-call channel', () => {
  let standin: SlackStandin;
  let store: SqliteStore;
  let service: AlertService;
  let slack: Slack;
  let server: HttpServer;
  let dispatcher: Dispatcher;
  let escalation: EscalationService;
  const transitions: Alert[] = [];
  let waiters: (() => void)[] = [];

  const transitioned = (n: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (transitions.length >= n) resolve();
        else waiters.push(check);
      };
      check();
    });

  beforeAll(async () => {
    standin = await startSlackStandin({
      channels: [
        { id: ALERTS, name: 'secops-alerts', member: true },
        { id: ONCALL, name: 'secops-oncall', member: true },
      ],
    });
    store = new SqliteStore(':memory:');
    service = new AlertService({
      store,
      authorizer: new AllowListAuthorizer(['alice@contoso.com', 'bob@contoso.com']),
      escalatesTo: 'on-call',
    });
    const router = new CommandRouter({ alerts: service, store, huntLimits: { defaultMs: DAY, maxMs: 30 * DAY } });
    slack = createSlack(
      {
        botToken: standin.botToken,
        signingSecret: standin.signingSecret,
        channels: [ALERTS],
        apiUrl: standin.url,
        huntVisibility: 'ephemeral',
        logger: silentLogger(),
        queue: { ratePerSecond: 50, burst: 10 },
      },
      {
        router,
        store: { releaseWaiting: (p, t) => store.releaseWaiting(p, t), getAlert: (id) => store.getAlert(id) },
        authorize: (actor, origin, action, alertId) => service.authorize(actor, origin, action, alertId),
        onTransition: (alert) => {
          transitions.push(alert);
          const ready = waiters;
          waiters = [];
          for (const w of ready) w();
        },
      },
    );
    await slack.start();
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      ...(slack.httpHandler ? { slack: slack.httpHandler } : {}),
      readiness: async () => [],
    });
    standin.botEndpoint = `${server.url}/slack/events`;
    dispatcher = new Dispatcher({
      store,
      platforms: { slack: slack.platform },
      logger: silentLogger(),
      retryBaseMs: 1,
      retryMaxMs: 5,
      escalationCopies: { slack: { target: ONCALL, mention: { id: MENTION } } },
    });
    escalation = new EscalationService({
      store,
      alerts: service,
      logger: silentLogger(),
      destinations: [{ platform: 'slack', target: ONCALL }],
    });
    escalation.attach();
  });

  afterAll(async () => {
    await escalation.stop();
    await slack.stop();
    await server.close();
    await standin.close();
    await store.close();
  });

  it('posts the escalation copy with the mention and the note, marks the original, and both copies follow an acknowledgement from the copy', async () => {
    const [alert] = await store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(),
      alerts: [newAlert(1)],
      targets: [{ platform: 'slack', target: ALERTS }],
    });
    await dispatcher.drainUntilIdle();
    expect(standin.messagesIn(ONCALL)).toHaveLength(0);
    const original = standin.messagesIn(ALERTS)[0];

    await standin.sendSlashCommand({ command: '/escalate', text: `${alert.id} VM owner unreachable`, user: 'U0ALICE', channel: ALERTS });
    await transitioned(1);
    // The copy is queued by the change listener; the periodic check queues it again idempotently (a crash in between).
    const report = await escalation.check();
    expect(report.copiesQueued).toBe(0);
    await dispatcher.drainUntilIdle();

    const copies = standin.messagesIn(ONCALL).filter((m) => m.thread_ts === undefined);
    expect(copies).toHaveLength(1);
    const copy = copies[0];
    expect(copy.text?.startsWith(MENTION)).toBe(true);
    const intro = JSON.stringify((copy.blocks ?? [])[0]);
    expect(intro).toContain(MENTION);
    expect(intro).toContain('Escalated by Alice Analyst to on-call');
    expect(intro).toContain('VM owner unreachable');
    expect(copy.metadata?.event_payload).toEqual({ alert_id: alert.id, version: 2 });
    const originalNow = standin.message(ALERTS, original.ts);
    expect(contextText(originalNow?.blocks)).toContain('Escalated by Alice Analyst to on-call');
    expect(contextText(originalNow?.blocks)).not.toContain(MENTION);
    const deliveries = await store.listDeliveries(alert.id);
    expect(deliveries.map((d) => [d.target, d.state]).sort()).toEqual([
      [ALERTS, 'posted'],
      [ONCALL, 'posted'],
    ]);

    // The on-call person acknowledges from the escalation copy.
    await standin.sendBlockAction({
      user: 'U0BOB',
      channel: ONCALL,
      messageTs: copy.ts,
      actionId: 'fw_ack',
      value: buttonOn(copy.blocks, 'fw_ack').value,
    });
    await transitioned(2);
    await dispatcher.drainUntilIdle();

    const after = await store.getAlert(alert.id);
    expect(after).toMatchObject({ status: 'acknowledged', version: 3 });
    for (const [channel, ts] of [
      [ALERTS, original.ts],
      [ONCALL, copy.ts],
    ] as const) {
      const m = standin.message(channel, ts);
      expect(m?.metadata?.event_payload).toEqual({ alert_id: alert.id, version: 3 });
      expect(contextText(m?.blocks)).toContain('Acknowledged by Bob Builder');
      // Still says where it was escalated and why.
      expect(contextText(m?.blocks)).toContain('Escalated by Alice Analyst to on-call');
      expect(() => buttonOn(m?.blocks, 'fw_ack')).toThrow();
    }
    // The copy keeps its mention line through updates; the original never gets one.
    expect(JSON.stringify(standin.message(ONCALL, copy.ts)?.blocks?.[0])).toContain(MENTION);
    // No second copy, however often the check runs.
    expect((await escalation.check()).copiesQueued).toBe(0);
    expect(standin.messagesIn(ONCALL).filter((m) => m.thread_ts === undefined)).toHaveLength(1);
  });
});
