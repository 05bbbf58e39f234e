import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Alert } from '../../src/alerts/types';
import type { MessageRef } from '../../src/delivery/types';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { buttonOn, newAlert } from '../chat/slack/harness';
import { ALERTS as TEAMS_ALERTS, bea, botAddedToTeam, executeClick, invokeAnswer, send, submitClick } from '../chat/teams/activities';
import { ConnectorStandIn } from '../chat/teams/connector-standin';
import {
  SLACK_ALERTS,
  SLACK_CHANNELS,
  SLACK_ONCALL,
  TEAMS_ONCALL,
  TEAMS_TAG,
  openProcess,
  prepareConnector,
  teamsCard,
  until,
  type Process,
} from './two-platforms';

const CARD = 'application/vnd.microsoft.card.adaptive';
const NOW = new Date('2026-11-27T14:00:00Z');

/**
 * Every change redraws each posted copy once, through the outbox: a click's
 * own answer is the card the outbox draws for that copy, and no click,
 * command or service draws a card beside it.
 */
describe('one redraw path: every copy drawn once per change, by the outbox', () => {
  let standin: SlackStandin;
  let connector: ConnectorStandIn;
  let dir: string;
  let p: Process;
  let seq = 0;

  beforeEach(async () => {
    standin = await startSlackStandin({ channels: SLACK_CHANNELS });
    connector = await new ConnectorStandIn().start();
    prepareConnector(connector);
    dir = mkdtempSync(path.join(tmpdir(), 'fw-redraw-'));
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { clock: () => NOW });
    expect((await send(p.teamsEndpoint, botAddedToTeam(connector.url))).status).toBe(200);
    await until('the Teams channels to be known', async () => (await p.teams.conversations.lookup(TEAMS_ONCALL.name)).ok);
  });

  afterEach(async () => {
    await p.close();
    await connector.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One alert, escalated from the CLI: four copies (Slack and Teams, alerts and on-call channels), all drawn. */
  async function escalatedAlert(): Promise<Alert> {
    const [alert] = await p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: NOW,
      alerts: [newAlert(++seq)],
      targets: [
        { platform: 'slack', target: SLACK_ALERTS },
        { platform: 'teams', target: TEAMS_ALERTS.name },
      ],
    });
    const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice at the CLI', email: 'alice@contoso.com' };
    expect((await p.alerts.escalate(alert.id, cli, 'cli', 'owner not reachable')).outcome).toBe('allowed');
    await until('both escalation copies to be queued', async () => (await p.store.listDeliveries(alert.id)).length === 4);
    await p.dispatcher.drainUntilIdle();
    expect((await p.store.listDeliveries(alert.id)).every((d) => d.state === 'posted' && d.renderedVersion === 2)).toBe(true);
    return (await p.store.getAlert(alert.id)) as Alert;
  }

  async function copyRef(alertId: string, platform: 'slack' | 'teams', target: string): Promise<MessageRef> {
    const d = (await p.store.listDeliveries(alertId)).find((x) => x.platform === platform && x.target === target);
    if (d?.ref === undefined) throw new Error(`no ${platform} copy of ${alertId} in ${target}`);
    return d.ref;
  }

  /** Draws since `before`: Teams PUTs per activity id, Slack chat.update calls per ts. */
  function drawsSince(before: { puts: number; updates: number }): Map<string, number> {
    const draws = new Map<string, number>();
    for (const put of connector.find('PUT', /activities/).slice(before.puts)) {
      const id = `teams:${put.path.split('/activities/')[1]}`;
      draws.set(id, (draws.get(id) ?? 0) + 1);
    }
    for (const update of standin.callsTo('chat.update').slice(before.updates)) {
      const id = `slack:${String((update.args as { ts?: unknown }).ts)}`;
      draws.set(id, (draws.get(id) ?? 0) + 1);
    }
    return draws;
  }

  function drawCounts(): { puts: number; updates: number } {
    return { puts: connector.find('PUT', /activities/).length, updates: standin.callsTo('chat.update').length };
  }

  async function everyCopy(alertId: string): Promise<string[]> {
    return (await p.store.listDeliveries(alertId)).map((d) => `${d.platform}:${d.ref?.messageId ?? '?'}`).sort();
  }

  async function settle(transitions: number): Promise<void> {
    await p.teams.idle();
    await p.slack.settled();
    await until('the click to be applied', () => p.transitions.length >= transitions);
    await p.dispatcher.drainUntilIdle();
    await p.teams.idle();
  }

  it('an escalation copy clicked in Teams answers with the escalation intro and mention: exactly the card the outbox draws for that copy', async () => {
    const alert = await escalatedAlert();
    const ref = await copyRef(alert.id, 'teams', TEAMS_ONCALL.name);
    const answer = invokeAnswer(
      await send(
        p.teamsEndpoint,
        executeClick(connector.url, ref.threadId ?? '', ref.messageId, bea, 'ack', {
          verb: 'ack',
          alertId: alert.id,
          version: alert.version,
        }),
      ),
    );
    expect(answer.type).toBe(CARD);
    const card = answer.value as { body: { text?: string }[]; msteams?: { entities?: unknown[] } };
    expect(card.body[0]?.text).toContain(`<at>${TEAMS_TAG.name}</at> Escalated by Alice at the CLI to on-call`);
    expect(card.msteams?.entities).toEqual([
      { type: 'mention', text: `<at>${TEAMS_TAG.name}</at>`, mentioned: { id: TEAMS_TAG.id, name: TEAMS_TAG.name, type: 'tag' } },
    ]);
    expect(JSON.stringify(card)).toContain('Acknowledged by Bea Lopez');
    await settle(1);
    // The shared draw of that copy, for everyone in the channel, is the outbox's: the same card.
    expect(teamsCard(connector, TEAMS_ONCALL.id, alert.id, ref.messageId)).toEqual(answer.value);
  });

  it('a click on a plain copy in Teams answers with the plain card the outbox draws there', async () => {
    const alert = await escalatedAlert();
    const ref = await copyRef(alert.id, 'teams', TEAMS_ALERTS.name);
    const answer = invokeAnswer(
      await send(
        p.teamsEndpoint,
        executeClick(connector.url, ref.threadId ?? '', ref.messageId, bea, 'ack', {
          verb: 'ack',
          alertId: alert.id,
          version: alert.version,
        }),
      ),
    );
    expect(answer.type).toBe(CARD);
    expect(JSON.stringify(answer.value)).not.toContain(TEAMS_TAG.name);
    await settle(1);
    expect(teamsCard(connector, TEAMS_ALERTS.id, alert.id, ref.messageId)).toEqual(answer.value);
  });

  it('a Teams button click draws each of the four copies exactly once', async () => {
    const alert = await escalatedAlert();
    const ref = await copyRef(alert.id, 'teams', TEAMS_ONCALL.name);
    const before = drawCounts();
    await send(
      p.teamsEndpoint,
      executeClick(connector.url, ref.threadId ?? '', ref.messageId, bea, 'ack', {
        verb: 'ack',
        alertId: alert.id,
        version: alert.version,
      }),
    );
    await settle(1);
    const draws = drawsSince(before);
    expect([...draws.keys()].sort()).toEqual(await everyCopy(alert.id));
    expect([...draws.values()]).toEqual([1, 1, 1, 1]);
    expect((await p.store.listDeliveries(alert.id)).every((d) => d.renderedVersion === 3)).toBe(true);
  });

  it('an Action.Submit click (clients without Universal Actions) draws each copy exactly once', async () => {
    const alert = await escalatedAlert();
    const ref = await copyRef(alert.id, 'teams', TEAMS_ALERTS.name);
    const before = drawCounts();
    await send(
      p.teamsEndpoint,
      submitClick(connector.url, ref.threadId ?? '', ref.messageId, bea, { verb: 'ack', alertId: alert.id, version: alert.version }),
    );
    await settle(1);
    const draws = drawsSince(before);
    expect([...draws.keys()].sort()).toEqual(await everyCopy(alert.id));
    expect([...draws.values()]).toEqual([1, 1, 1, 1]);
    expect(JSON.stringify(teamsCard(connector, TEAMS_ALERTS.id, alert.id, ref.messageId))).toContain('Acknowledged by Bea Lopez');
  });

  it('a Slack button click draws each of the four copies exactly once', async () => {
    const alert = await escalatedAlert();
    const ref = await copyRef(alert.id, 'slack', SLACK_ONCALL);
    const message = standin.message(SLACK_ONCALL, ref.messageId);
    const before = drawCounts();
    await standin.sendBlockAction({
      user: 'U0ALICE',
      channel: SLACK_ONCALL,
      messageTs: ref.messageId,
      actionId: 'fw_ack',
      value: buttonOn(message?.blocks, 'fw_ack').value,
    });
    await settle(1);
    const draws = drawsSince(before);
    expect([...draws.keys()].sort()).toEqual(await everyCopy(alert.id));
    expect([...draws.values()]).toEqual([1, 1, 1, 1]);
  });

  it('a change from the CLI draws each copy exactly once', async () => {
    const alert = await escalatedAlert();
    const before = drawCounts();
    const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice at the CLI', email: 'alice@contoso.com' };
    expect((await p.alerts.acknowledge(alert.id, cli, 'cli')).outcome).toBe('allowed');
    await p.dispatcher.drainUntilIdle();
    const draws = drawsSince(before);
    expect([...draws.keys()].sort()).toEqual(await everyCopy(alert.id));
    expect([...draws.values()]).toEqual([1, 1, 1, 1]);
  });
});
