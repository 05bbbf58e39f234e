import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Alert } from '../../src/alerts/types';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { buttonOn, newAlert } from '../chat/slack/harness';
import { ALERTS as TEAMS_ALERTS, alex, bea, botAddedToTeam, executeClick, send } from '../chat/teams/activities';
import { ConnectorStandIn } from '../chat/teams/connector-standin';
import {
  SLACK_ALERTS,
  SLACK_CHANNELS,
  SLACK_MENTION,
  SLACK_ONCALL,
  TEAMS_ONCALL,
  TEAMS_TAG,
  openProcess,
  prepareConnector,
  teamsCard,
  teamsCardText,
  until,
  type Process,
} from './two-platforms';

describe('one alert, a card in Slack and in Teams, one store', () => {
  let standin: SlackStandin;
  let connector: ConnectorStandIn;
  let dir: string;
  let file: string;
  let p: Process;
  let seq = 0;

  beforeEach(async () => {
    standin = await startSlackStandin({ channels: SLACK_CHANNELS });
    connector = await new ConnectorStandIn().start();
    prepareConnector(connector);
    dir = mkdtempSync(path.join(tmpdir(), 'fw-cross-'));
    file = path.join(dir, 'firstwatch.db');
    p = await openProcess(file, standin);
    expect((await send(p.teamsEndpoint, botAddedToTeam(connector.url))).status).toBe(200);
    await until('the Teams channels to be known', async () => (await p.teams.conversations.lookup(TEAMS_ONCALL.name)).ok);
  });

  afterEach(async () => {
    await p.close();
    await connector.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function seed(count: number): Promise<Alert[]> {
    const alerts = await p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(),
      alerts: Array.from({ length: count }, () => newAlert(++seq)),
      targets: [
        { platform: 'slack', target: SLACK_ALERTS },
        { platform: 'teams', target: TEAMS_ALERTS.name },
      ],
    });
    await p.dispatcher.drainUntilIdle();
    return alerts;
  }

  function slackCard(channel: string, alertId: string) {
    const m = standin.messagesIn(channel).find((x) => x.thread_ts === undefined && x.metadata?.event_payload.alert_id === alertId);
    if (m === undefined) throw new Error(`no Slack card for ${alertId} in ${channel}`);
    return m;
  }

  async function teamsRef(alertId: string, target: string) {
    const d = (await p.store.listDeliveries(alertId)).find((x) => x.platform === 'teams' && x.target === target);
    if (d?.ref === undefined) throw new Error(`no Teams card for ${alertId} in ${target}`);
    return d.ref;
  }

  async function teamsText(alertId: string, target: string, channelId: string): Promise<string> {
    return teamsCardText(connector, channelId, alertId, (await teamsRef(alertId, target)).messageId);
  }

  it('acknowledging in Slack updates the Teams card, acknowledging in Teams updates the Slack card, and the CLI updates both', async () => {
    const [one, two] = await seed(2);

    const card = slackCard(SLACK_ALERTS, one.id);
    await standin.sendBlockAction({
      user: 'U0ALICE',
      channel: SLACK_ALERTS,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: buttonOn(card.blocks, 'fw_ack').value,
    });
    await until('the Slack click to be applied', () => p.transitions.length >= 1);
    await p.dispatcher.drainUntilIdle();
    expect(await teamsText(one.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).toContain('Acknowledged by Alice Analyst');
    expect(slackCard(SLACK_ALERTS, one.id).metadata?.event_payload).toEqual({ alert_id: one.id, version: 2 });

    const ref = await teamsRef(two.id, TEAMS_ALERTS.name);
    const answer = await send(
      p.teamsEndpoint,
      executeClick(connector.url, ref.threadId ?? '', ref.messageId, alex, 'ack', { verb: 'ack', alertId: two.id, version: 1 }),
    );
    expect(answer.status).toBe(200);
    await p.teams.idle();
    await until('the Teams click to be applied', () => p.transitions.length >= 2);
    await p.dispatcher.drainUntilIdle();
    const slackTwo = slackCard(SLACK_ALERTS, two.id);
    expect(JSON.stringify(slackTwo.blocks)).toContain('Acknowledged by Alex Wilber');
    expect(slackTwo.metadata?.event_payload).toEqual({ alert_id: two.id, version: 2 });
    expect(await teamsText(two.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).toContain('Acknowledged by Alex Wilber');

    const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice at the CLI', email: 'alice@contoso.com' };
    expect((await p.alerts.resolve(one.id, cli, 'cli', 'false_positive')).outcome).toBe('allowed');
    await p.dispatcher.drainUntilIdle();
    expect(JSON.stringify(slackCard(SLACK_ALERTS, one.id).blocks)).toContain('Resolved as false positive by Alice at the CLI');
    expect(await teamsText(one.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).toContain('Resolved as false positive by Alice at the CLI');
    for (const a of [one, two]) {
      const current = await p.store.getAlert(a.id);
      expect((await p.store.listDeliveries(a.id)).map((d) => [d.platform, d.renderedVersion])).toEqual([
        ['slack', current?.version],
        ['teams', current?.version],
      ]);
    }
  });

  it('an escalation reaches both on-call channels with their mentions, and an acknowledgement there updates all four copies', async () => {
    const [alert] = await seed(1);
    await standin.sendSlashCommand({
      command: '/escalate',
      text: `${alert.id} owner not reachable`,
      user: 'U0ALICE',
      channel: SLACK_ALERTS,
    });
    await until('the escalation', () => p.transitions.length >= 1);
    await p.dispatcher.drainUntilIdle();

    expect(slackCard(SLACK_ONCALL, alert.id).text?.startsWith(SLACK_MENTION)).toBe(true);
    const ref = await teamsRef(alert.id, TEAMS_ONCALL.name);
    const copy = teamsCard(connector, TEAMS_ONCALL.id, alert.id, ref.messageId) as {
      body: { text?: string }[];
      msteams: { entities: unknown[] };
    };
    expect(copy.body[0]?.text).toContain(`<at>${TEAMS_TAG.name}</at> Escalated by Alice Analyst to on-call`);
    expect(copy.body[0]?.text).toContain('owner not reachable');
    expect(copy.msteams.entities).toEqual([
      { type: 'mention', text: `<at>${TEAMS_TAG.name}</at>`, mentioned: { id: TEAMS_TAG.id, name: TEAMS_TAG.name, type: 'tag' } },
    ]);
    expect(await teamsText(alert.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).toContain('Escalated by Alice Analyst to on-call');
    expect(await teamsText(alert.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).not.toContain(TEAMS_TAG.name);

    // Bea, on call, acknowledges from the Teams escalation copy.
    await send(
      p.teamsEndpoint,
      executeClick(connector.url, ref.threadId ?? '', ref.messageId, bea, 'ack', { verb: 'ack', alertId: alert.id, version: 2 }),
    );
    await p.teams.idle();
    await until('the on-call acknowledgement', () => p.transitions.length >= 2);
    await p.dispatcher.drainUntilIdle();
    for (const channel of [SLACK_ALERTS, SLACK_ONCALL]) {
      const m = slackCard(channel, alert.id);
      expect(m.metadata?.event_payload).toEqual({ alert_id: alert.id, version: 3 });
      expect(JSON.stringify(m.blocks)).toContain('Acknowledged by Bea Lopez');
    }
    for (const [target, channelId] of [
      [TEAMS_ALERTS.name, TEAMS_ALERTS.id],
      [TEAMS_ONCALL.name, TEAMS_ONCALL.id],
    ] as const) {
      expect(await teamsText(alert.id, target, channelId)).toContain('Acknowledged by Bea Lopez');
    }
    const copyNow = teamsCard(connector, TEAMS_ONCALL.id, alert.id, ref.messageId) as { body: { text?: string }[] };
    expect(copyNow.body[0]?.text).toContain(`<at>${TEAMS_TAG.name}</at>`);
    expect((await p.store.listDeliveries(alert.id)).every((d) => d.state === 'posted' && d.renderedVersion === 3)).toBe(true);
  });

  it('a crash between a transition and its card updates ends with every copy correct after a restart', async () => {
    const [alert] = await seed(1);
    const alice = { platform: 'slack' as const, id: 'U0ALICE', displayName: 'Alice Analyst', email: 'alice@contoso.com' };
    expect((await p.alerts.acknowledge(alert.id, alice, `slack:${SLACK_ALERTS}`)).outcome).toBe('allowed');
    // The process stops before its dispatcher ran: no card was updated, no reply sent.
    const updatesBefore = standin.callsTo('chat.update').length + connector.find('PUT', /activities/).length;
    expect(updatesBefore).toBe(0);
    await p.close();

    p = await openProcess(file, standin);
    await p.dispatcher.drainUntilIdle();
    expect(slackCard(SLACK_ALERTS, alert.id).metadata?.event_payload).toEqual({ alert_id: alert.id, version: 2 });
    expect(JSON.stringify(slackCard(SLACK_ALERTS, alert.id).blocks)).toContain('Acknowledged by Alice Analyst');
    expect(await teamsText(alert.id, TEAMS_ALERTS.name, TEAMS_ALERTS.id)).toContain('Acknowledged by Alice Analyst');
    expect((await p.store.listDeliveries(alert.id)).map((d) => d.renderedVersion)).toEqual([2, 2]);
    // One thread reply per copy, not more.
    expect(
      standin
        .messagesIn(SLACK_ALERTS)
        .filter((m) => m.thread_ts !== undefined)
        .map((m) => m.text),
    ).toEqual([expect.stringContaining('Acknowledged by Alice Analyst')]);
    expect(
      connector.find('POST', /activities$/).filter((c) => String(c.body.text ?? '').includes('Acknowledged by Alice Analyst')),
    ).toHaveLength(1);
    // A second restart finds nothing left to do.
    await p.close();
    p = await openProcess(file, standin);
    expect(await p.dispatcher.drainUntilIdle()).toEqual({ posted: 0, reconciled: 0, updated: 0, replied: 0, failed: 0 });
  });
});
