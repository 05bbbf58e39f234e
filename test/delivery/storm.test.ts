import { mkdtempSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Alert } from '../../src/alerts/types';
import { digestText, toDigestView } from '../../src/cards';
import { cardContextFactory } from '../../src/cards/card-context';
import { ConsolePlatform } from '../../src/chat/console/console-platform';
import { silentLogger } from '../../src/logging/logger';
import { Dispatcher } from '../../src/delivery/dispatcher';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { newAlert } from '../chat/slack/harness';
import { ALERTS as TEAMS_ALERTS, botAddedToTeam, cardOf, cardText, send } from '../chat/teams/activities';
import { ConnectorStandIn } from '../chat/teams/connector-standin';
import {
  SLACK_ALERTS,
  SLACK_CHANNELS,
  TEAMS_ONCALL,
  openProcess,
  prepareConnector,
  until,
  type Process,
  type ProcessOptions,
} from './two-platforms';

const T0 = new Date('2026-11-27T14:00:00.000Z');

describe('alert storms', () => {
  let standin: SlackStandin;
  let connector: ConnectorStandIn;
  let dir: string;
  let p: Process;
  const clock = { now: T0 };
  let seq = 0;

  async function start(storm: NonNullable<ProcessOptions['storm']>): Promise<void> {
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { escalation: false, storm, clock: () => clock.now });
    expect((await send(p.teamsEndpoint, botAddedToTeam(connector.url))).status).toBe(200);
    await until('the Teams channels to be known', async () => (await p.teams.conversations.lookup(TEAMS_ONCALL.name)).ok);
  }

  beforeEach(async () => {
    standin = await startSlackStandin({ channels: SLACK_CHANNELS });
    connector = await new ConnectorStandIn().start();
    prepareConnector(connector);
    dir = mkdtempSync(path.join(tmpdir(), 'fw-storm-'));
    clock.now = T0;
  });

  afterEach(async () => {
    await p.close();
    await connector.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One poll's new alerts, queued for the Slack and Teams alert channels, at the current clock. */
  async function poll(count: number, user = (n: number) => `user${n % 7}@contoso.com`): Promise<Alert[]> {
    return p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: clock.now,
      alerts: Array.from({ length: count }, () => {
        const n = ++seq;
        return newAlert(n, {
          subject: { upn: user(n) },
          target: { found: true, kind: 'azure-vm', name: `vm-${n % 3}`, mechanism: 'Run Command' },
        });
      }),
      targets: [
        { platform: 'slack', target: SLACK_ALERTS },
        { platform: 'teams', target: TEAMS_ALERTS.name },
      ],
    });
  }

  const slackTopLevel = () => standin.messagesIn(SLACK_ALERTS).filter((m) => m.thread_ts === undefined);
  const teamsThreads = () =>
    connector.find('POST', /^\/v3\/conversations$/).map((c) => cardText(cardOf(c.body.activity as Record<string, unknown>)));

  it('200 hits in one poll: one digest per target, a later alert posts right after it, the cards are summarised but listed', async () => {
    await start({ threshold: 20, postIndividual: false });
    const storm = await poll(200);
    clock.now = new Date(T0.getTime() + 1000);
    const [later] = await poll(1, () => 'zoe@contoso.com');

    // One pass: the digest, then the later alert; none of the 200 cards.
    const first = await p.dispatcher.drainOnce();
    expect(first.posted).toBe(4);
    const slack = slackTopLevel();
    expect(slack).toHaveLength(2);
    expect(slack[0].text).toContain('Alert storm: 200 new alerts in one poll');
    const digest = JSON.stringify(slack[0].blocks);
    expect(digest).toContain('user0@contoso.com');
    expect(digest).toContain('vm-0');
    for (const a of storm.slice(0, 5)) expect(digest).toContain(a.id);
    expect(digest).not.toContain(storm[5].id);
    expect(digest).toContain('…and 195 more');
    expect(digest).toContain('/alerts open');
    expect(slack[1].metadata?.event_payload).toEqual({ alert_id: later.id, version: 1 });
    const teams = teamsThreads();
    expect(teams).toHaveLength(2);
    expect(teams[0]).toContain('Alert storm: 200 new alerts in one poll');
    expect(teams[0]).toContain('@FirstWatch alerts open');
    expect(teams[1]).toContain(later.title);

    // Nothing else goes out, and nothing is lost: every alert is listed and its deliveries say where they went.
    expect(await p.dispatcher.drainUntilIdle()).toMatchObject({ posted: 0, failed: 0 });
    expect(slackTopLevel()).toHaveLength(2);
    expect(await p.store.listAlerts({ status: 'open', limit: 500 })).toHaveLength(201);
    const summarised = await p.store.listDeliveries(storm[123].id);
    expect(summarised.map((d) => [d.platform, d.state, d.lastError])).toEqual([
      ['slack', 'failed', expect.stringMatching(/^summarised in digest #\d+$/)],
      ['teams', 'failed', expect.stringMatching(/^summarised in digest #\d+$/)],
    ]);
    // A summarised alert can still be acted on by id, and the store says so.
    const cli = { platform: 'cli' as const, id: 'alice', displayName: 'Alice', email: 'alice@contoso.com' };
    expect((await p.alerts.acknowledge(storm[123].id, cli, 'cli')).outcome).toBe('allowed');
    expect(await p.dispatcher.drainUntilIdle()).toMatchObject({ posted: 0, updated: 0, failed: 0 });
  });

  it('a poll at the threshold is not a storm', async () => {
    await start({ threshold: 20, postIndividual: false });
    await poll(20);
    await p.dispatcher.drainUntilIdle();
    expect(slackTopLevel()).toHaveLength(20);
    expect(slackTopLevel().some((m) => (m.text ?? '').includes('Alert storm'))).toBe(false);
  });

  it('with individual posting on, the cards follow the digest paced, and a later alert goes before the rest of the storm', async () => {
    await start({ threshold: 20, postIndividual: true, paceMs: 1000 });
    const storm = await poll(30);
    clock.now = new Date(T0.getTime() + 500);
    const [later] = await poll(1, () => 'zoe@contoso.com');
    await p.dispatcher.drainUntilIdle();
    // At T0+0.5s only the digest and the later alert were due.
    expect(slackTopLevel().map((m) => m.metadata?.event_payload.alert_id ?? 'digest')).toEqual(['digest', later.id]);
    // Paced from when the storm was summarised (T0+0.5s), one a second: T0+1.5s and T0+2.5s are due at T0+3s.
    clock.now = new Date(T0.getTime() + 3000);
    await p.dispatcher.drainUntilIdle();
    expect(slackTopLevel().map((m) => m.metadata?.event_payload.alert_id ?? 'digest')).toEqual([
      'digest',
      later.id,
      storm[0].id,
      storm[1].id,
    ]);
    clock.now = new Date(T0.getTime() + 60_000);
    await p.dispatcher.drainUntilIdle();
    expect(slackTopLevel().map((m) => m.metadata?.event_payload.alert_id ?? 'digest')).toEqual([
      'digest',
      later.id,
      ...storm.map((a) => a.id),
    ]);
    expect(teamsThreads()).toHaveLength(32);
    expect(teamsThreads()[0]).toContain('Their individual cards follow');
  });

  it('the console (and the CLI, which prints through it) shows the same digest', async () => {
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { escalation: false });
    let printed = '';
    // Collected as it is written: a readable side's 'data' events could still be pending when the drain resolves.
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed += chunk.toString();
        done();
      },
    });
    const store = new SqliteStore(':memory:');
    const consolePlatform = new ConsolePlatform({ out, cardContext: cardContextFactory({ clock: () => T0 }) });
    const dispatcher = new Dispatcher({
      store,
      platforms: { console: consolePlatform },
      logger: silentLogger(),
      storm: { threshold: 3, postIndividual: false },
    });
    const alerts = await store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: T0,
      alerts: [1, 2, 3, 4].map((n) => newAlert(n)),
      targets: [{ platform: 'console', target: 'console' }],
    });
    await dispatcher.drainUntilIdle();
    expect(printed).toBe(digestText(toDigestView(alerts, { individualFollow: false })) + '\n');
    expect(printed).toContain('Alert storm: 4 new alerts in one poll');
    expect(printed).toContain('List them all: npx firstwatch alerts');
    await store.close();
  });
});
