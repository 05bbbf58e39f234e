/**
 * How fast FirstWatch acknowledges interactions under load, against the
 * platforms' budgets (Slack drops an interaction not acknowledged within 3 s,
 * Teams an invoke not answered within 5 s).
 *
 * FirstWatch runs as its own process, `node dist/cli.js start` as a responder
 * runs it: the embedded workspace in its thread, SQLite, Slack in HTTP mode
 * and Teams anonymous on loopback (its development default, with the Agents
 * Playground). This process plays the platforms: the Slack Web API stand-in
 * and the Bot Connector stand-in answer the bot's calls, and the clicks and
 * commands are sent from here, signed as Slack signs them.
 *
 * Slack: 200 Acknowledge clicks and 50 /hunt commands at once; every hunt runs
 * a real query against the embedded workspace. Teams: 200 Action.Execute
 * clicks at once, each answered with the updated card. The time measured is
 * from sending a request to receiving its HTTP answer.
 *
 * The cards are posted before the bot starts, by the same platform code in
 * this process with the platforms' rate limits lifted (posting 441 cards at
 * Slack's one message a second is not what is measured), into the SQLite file
 * the bot then opens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alertCard } from '../src/cards/adaptive/alert-card';
import { toAlertView } from '../src/cards/alert-view';
import { CommandRouter } from '../src/chat/router/command-router';
import { createSlack } from '../src/chat/slack';
import { ThreadRateLimiter } from '../src/chat/teams/rate-limiter';
import { silentLogger } from '../src/logging/logger';
import { Dispatcher } from '../src/delivery/dispatcher';
import type { Store } from '../src/store';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import { generateSampleData, generateWorkspace } from '../src/workspace';
import { buttonOn, newAlert } from '../test/chat/slack/harness';
import { startSlackStandin, type SlackStandin } from '../test/support/slack-standin';
import { alex, ALERTS, TEAM, botAddedToTeam, executeClick, prepareActivity, send } from '../test/chat/teams/activities';
import { ConnectorStandIn } from '../test/chat/teams/connector-standin';
import { eventually } from '../test/chat/teams/eventually';
import { sampleAlert, startBot } from '../test/chat/teams/harness';
import { CLI, ensureBuilt, freePort, ROOT, stopChild, tail } from './child-process';
import { fireAtOnce, type LoadRequest, type LoadResult } from './load-client';
import { type Bench, type BenchFigure, runAlone } from './types';

const CLICKS = Number(process.env.BENCH_CLICKS ?? 200);
const HUNTS = Number(process.env.BENCH_HUNTS ?? 50);
/** Clicks sent one at a time before the burst: the cost of one interaction with nothing else in flight. */
const SOLO = 20;
const SLACK_BUDGET_MS = 3_000;
const TEAMS_BUDGET_MS = 5_000;
/** p99 of a burst at most this many times a bare Node server's p99 for the same burst. */
const TARGET_RATIO = 2;
const SLACK_CHANNEL = 'C0ALERTS';
/** Teams alerts are numbered from here, apart from Slack's. */
const TEAMS_FIRST = 10_001;
const RESPONDERS = ['alice@contoso.com', 'bob@contoso.com', alex.upn];

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function p50(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

/** Runs `send` and returns how long the answer took, failing on anything but HTTP 200. */
async function timed(what: string, sendIt: () => Promise<{ status: number; body?: unknown }>): Promise<number> {
  const t0 = performance.now();
  const answer = await sendIt();
  const ms = performance.now() - t0;
  if (answer.status !== 200) throw new Error(`${what} answered HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  return ms;
}

/** Runs tasks one after another; returns each one's result. */
async function oneByOne<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const t of tasks) out.push(await t());
  return out;
}

/** Puts a figure against the mean of the bare server's p99 before and after the bot ran. */
function rebase(f: BenchFigure, floorP99: number, before: number, after: number): void {
  f.baseline = round(floorP99);
  f.ratio = round(f.value / floorP99, 2);
  f.holds = f.ratio <= TARGET_RATIO;
  f.note = `${f.note} Bare server p99 before the bot ${round(before)} ms, after it ${round(after)} ms; the baseline is their mean.`;
}

/** The burst's p99 against the bare server's p99 for the same burst in the same run; the platform's budget is checked too. */
function figureOf(what: string, durations: number[], floorP99: number, budgetMs: number, note: string): BenchFigure {
  const sorted = [...durations].sort((a, b) => a - b);
  const p99 = percentile(sorted, 0.99);
  const ratio = p99 / floorP99;
  return {
    figure: `${what}: time to answer, p99 vs a bare server's p99 (p50 in the note)`,
    value: round(p99),
    baseline: round(floorP99),
    unit: 'ms',
    ratio: round(ratio, 2),
    target: `≤ ${TARGET_RATIO}× the bare server`,
    holds: ratio <= TARGET_RATIO,
    note:
      `p50 ${round(percentile(sorted, 0.5))} ms, max ${round(sorted[sorted.length - 1])} ms over ${durations.length} requests ` +
      `(${sorted[sorted.length - 1] < budgetMs ? 'within' : 'OVER'} the platform's ${budgetMs} ms budget). ${note}`,
  };
}

interface Posted {
  slack: { alertId: string; ts: string; value: string }[];
  teams: { alertId: string; version: number; threadId: string; messageId: string }[];
}

/** Posts the cards the clicks will land on, through the real Slack and Teams platform code, into `storePath`. */
async function postCards(storePath: string, standin: SlackStandin, connector: ConnectorStandIn): Promise<Posted> {
  const logger = silentLogger();
  const teams = await startBot({ storePath, allow: RESPONDERS, limiter: new ThreadRateLimiter([{ limit: 1_000_000, windowMs: 1_000 }]) });
  const slack = createSlack(
    {
      botToken: standin.botToken,
      signingSecret: standin.signingSecret,
      channels: [SLACK_CHANNEL],
      apiUrl: standin.url,
      huntVisibility: 'ephemeral',
      logger,
      queue: { ratePerSecond: 10_000, burst: 1_000 },
    },
    { router: new CommandRouter({ alerts: teams.service, store: teams.store, huntLimits: { defaultMs: 86_400_000, maxMs: 86_400_000 } }) },
  );
  await slack.start();
  const dispatcher = new Dispatcher({ store: teams.store, platforms: { slack: slack.platform, teams: teams.platform }, logger });
  try {
    const installed = await send(teams.endpoint, botAddedToTeam(connector.url));
    if (installed.status !== 200) throw new Error(`installing the bot in the team answered ${installed.status}`);
    await eventually('the Alerts channel to be stored', async () =>
      (await teams.platform.conversations.lookup(ALERTS.name)).ok ? true : undefined,
    );
    const forSlack = await teams.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(),
      alerts: Array.from({ length: CLICKS + SOLO + 1 }, (_, i) => newAlert(i + 1)),
      targets: [{ platform: 'slack', target: SLACK_CHANNEL }],
    });
    const forTeams = await teams.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: new Date(),
      alerts: Array.from({ length: CLICKS + SOLO + 1 }, (_, i) => sampleAlert(TEAMS_FIRST + i)),
      targets: [{ platform: 'teams', target: ALERTS.name }],
    });
    await dispatcher.drainUntilIdle();
    const slackCards = forSlack.map((a) => {
      const m = standin.messagesIn(SLACK_CHANNEL).find((x) => x.metadata?.event_payload.alert_id === a.id);
      if (m === undefined) throw new Error(`no Slack card posted for ${a.id}`);
      return { alertId: a.id, ts: m.ts, value: buttonOn(m.blocks, 'fw_ack').value ?? '' };
    });
    return { slack: slackCards, teams: await teamsRefs(teams.store, forTeams) };
  } finally {
    await dispatcher.stop();
    await slack.stop();
    await teams.close();
  }
}

/** Where each Teams card landed, as the outbox recorded it. */
async function teamsRefs(store: Pick<Store, 'listDeliveries'>, alerts: { id: string; version: number }[]): Promise<Posted['teams']> {
  return Promise.all(
    alerts.map(async (a) => {
      const ref = (await store.listDeliveries(a.id)).find((d) => d.platform === 'teams')?.ref;
      if (ref === undefined) throw new Error(`no Teams card posted for ${a.id}`);
      return { alertId: a.id, version: a.version, threadId: ref.threadId ?? ref.messageId, messageId: ref.messageId };
    }),
  );
}

interface BotProcess {
  url: string;
  /** The bot's longest event-loop stall since the last call, from its own /metrics (prom-client resets it on each read). */
  maxStallMs(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

/** `node dist/cli.js start`, configured for the stand-ins; resolves once /readyz reports both start-up polls done. */
async function startBotProcess(dir: string, standin: SlackStandin): Promise<BotProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DETECTIONS_DIR: path.join(ROOT, 'detections'),
    SQLITE_PATH: path.join(dir, 'fw.db'),
    LOCAL_WORKSPACE_DIR: path.join(dir, 'workspace'),
    CONSOLE_OUTPUT: 'false',
    LOG_LEVEL: process.env.BENCH_BOT_LOG_LEVEL ?? 'warn',
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: standin.signingSecret,
    SLACK_CHANNELS: SLACK_CHANNEL,
    SLACK_API_URL: standin.url,
    // Hunt results through response_url: in the channel, 50 of them would be paced at Slack's one message a second.
    SLACK_HUNT_VISIBILITY: 'ephemeral',
    TEAMS_PLAYGROUND: 'true',
    TEAMS_PLAYGROUND_PORT: String(await freePort()),
    TEAMS_CHANNELS: ALERTS.name,
    RESPONDERS: RESPONDERS.join(','),
    // Every hunt queries the workspace: no answer from the cache.
    HUNT_CACHE_SECONDS: '0',
    // 50 hunts from a few responders at once: the per-user limit is not what is measured.
    HUNT_PER_USER_PER_MINUTE: '0',
  };
  // BENCH_BOT_PROFILE=<dir>: a CPU profile of the bot, written when it stops.
  const profile = process.env.BENCH_BOT_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BOT_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, CLI, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tail(child);
  // Its own shutdown budget is about 15 s (poll, deliveries, the Playground); a profile is written only on a clean exit.
  const stop = (): Promise<void> => stopChild(child, 30_000);
  try {
    await eventually(
      'the bot to be ready with both start-up polls done',
      async () => {
        if (child.exitCode !== null) throw new Error(`the bot exited ${child.exitCode}:\n${output()}`);
        try {
          const res = await fetch(`${url}/readyz`);
          const body = (await res.json()) as { checks?: { name: string; detail?: string }[] };
          const polls = (body.checks ?? []).filter((c) => c.name.startsWith('poll:'));
          return res.status === 200 && polls.length > 0 && polls.every((c) => c.detail?.startsWith('last run ok')) ? true : undefined;
        } catch {
          return undefined;
        }
      },
      120_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    output,
    stop,
    async maxStallMs() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('nodejs_eventloop_lag_max_seconds '));
      return line === undefined ? NaN : Number(line.split(' ')[1]) * 1000;
    },
  };
}

/** How many of these alerts the bot has stored as acknowledged, read through the store's own API from its SQLite file. */
async function acknowledgedCount(store: SqliteStore, ids: string[]): Promise<number> {
  const alerts = await Promise.all(ids.map((id) => store.getAlert(id)));
  return alerts.filter((a) => a?.status === 'acknowledged').length;
}

/** Sends every prepared click and command at once from the client thread, interleaved, and returns each kind's times to answer. */
async function burst(bot: BotProcess | undefined, clicks: LoadRequest[], hunts: LoadRequest[]): Promise<[number[], number[]]> {
  await bot?.maxStallMs();
  const every = Math.max(1, Math.round(clicks.length / Math.max(1, hunts.length)));
  const order: { kind: 'click' | 'hunt'; request: LoadRequest }[] = [];
  let h = 0;
  clicks.forEach((request, i) => {
    order.push({ kind: 'click', request });
    if ((i + 1) % every === 0 && h < hunts.length) order.push({ kind: 'hunt', request: hunts[h++] });
  });
  while (h < hunts.length) order.push({ kind: 'hunt', request: hunts[h++] });
  const results = timesOf(await fireAtOnce(order.map((o) => o.request)));
  return [results.filter((_, i) => order[i].kind === 'click'), results.filter((_, i) => order[i].kind === 'hunt')];
}

/** The times, failing on anything but HTTP 200. */
function timesOf(results: LoadResult[]): number[] {
  const bad = results.find((r) => r.status !== 200);
  if (bad !== undefined) throw new Error(`a request of the burst answered HTTP ${bad.status}`);
  return results.map((r) => r.ms);
}

async function slackLatency(
  bot: BotProcess,
  standin: SlackStandin,
  cards: Posted['slack'],
  store: SqliteStore,
  upns: string[],
  bare: { clicks: number; hunts: number },
): Promise<BenchFigure[]> {
  standin.botEndpoint = `${bot.url}/slack/events`;
  const answered = (): number => standin.responses.filter((r) => r.issuedFor.kind === 'command').length;
  // Warm the paths (JIT, connections, identity cache) with one of each, not counted.
  const before = answered();
  await standin.sendSlashCommand({ command: '/alerts', text: 'open', user: 'U0ALICE', channel: SLACK_CHANNEL });
  await eventually('the warm-up command to be answered', () => (answered() > before ? true : undefined), 30_000);

  const [warm, ...rest] = cards;
  await standin.sendBlockAction({ user: 'U0BOB', channel: SLACK_CHANNEL, messageTs: warm.ts, actionId: 'fw_ack', value: warm.value });
  const soloCards = rest.slice(0, SOLO);
  const burstCards = rest.slice(SOLO, SOLO + CLICKS);
  const solo = await oneByOne(
    soloCards.map((card) => async () => {
      const ms = await timed('a Slack button click', () =>
        standin.sendBlockAction({ user: 'U0ALICE', channel: SLACK_CHANNEL, messageTs: card.ts, actionId: 'fw_ack', value: card.value }),
      );
      await eventually(`${card.alertId} to be acknowledged`, async () =>
        (await acknowledgedCount(store, [card.alertId])) === 1 ? true : undefined,
      );
      return ms;
    }),
  );

  const huntsBefore = answered();
  // Built and signed before the clock starts; clicks and hunts interleaved as they would arrive (one hunt after every four clicks).
  const clicks = burstCards.map((card, i) =>
    standin.prepareBlockAction({
      user: i % 2 === 0 ? 'U0ALICE' : 'U0BOB',
      channel: SLACK_CHANNEL,
      messageTs: card.ts,
      actionId: 'fw_ack',
      value: card.value,
    }),
  );
  const hunts = upns
    .slice(0, HUNTS)
    .map((upn, i) =>
      standin.prepareSlashCommand({ command: '/hunt', text: `${upn} 7d`, user: i % 2 === 0 ? 'U0ALICE' : 'U0BOB', channel: SLACK_CHANNEL }),
    );
  const wall0 = performance.now();
  const [clickMs, huntMs] = await burst(bot, clicks, hunts);
  const ackWall = performance.now() - wall0;
  const ids = burstCards.map((c) => c.alertId);
  // Each hunt answers twice through its response_url: the "Hunting …" note, then the report in its place.
  const settled = async (): Promise<{ acked: number; hunted: number }> => ({
    acked: await acknowledgedCount(store, ids),
    hunted: answered() - huntsBefore,
  });
  try {
    await eventually(
      'every clicked alert to be acknowledged and every hunt answered',
      async () => {
        const s = await settled();
        return s.acked === CLICKS && s.hunted >= 2 * HUNTS ? true : undefined;
      },
      180_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(await settled())}`);
  }
  const doneWall = performance.now() - wall0;
  const stall = await bot.maxStallMs();
  const context =
    `All ${CLICKS + HUNTS} sent at once; all acknowledged within ${round(ackWall)} ms; every alert acknowledged in the store and every hunt answered (a real query each) after ${round(doneWall / 1000, 2)} s; ` +
    `the bot's longest event-loop stall meanwhile ${round(stall)} ms (its own /metrics); one click alone, nothing else in flight: p50 ${round(p50(solo))} ms over ${SOLO}`;
  return [
    figureOf(`Slack: ${CLICKS} Acknowledge clicks with ${HUNTS} /hunt in flight`, clickMs, bare.clicks, SLACK_BUDGET_MS, `${context}.`),
    figureOf(`Slack: ${HUNTS} /hunt commands with ${CLICKS} clicks in flight`, huntMs, bare.hunts, SLACK_BUDGET_MS, `${context}.`),
  ];
}

async function teamsLatency(
  bot: BotProcess,
  connector: ConnectorStandIn,
  cards: Posted['teams'],
  store: SqliteStore,
  bareP99: number,
): Promise<BenchFigure> {
  const endpoint = `${bot.url}/api/messages`;
  const click = (card: Posted['teams'][number]) => () =>
    timed('a Teams Action.Execute', () =>
      send(
        endpoint,
        executeClick(connector.url, card.threadId, card.messageId, alex, 'ack', {
          verb: 'ack',
          alertId: card.alertId,
          version: card.version,
        }),
      ),
    );
  const [warm, ...rest] = cards;
  await click(warm)();
  const solo = await oneByOne(rest.slice(0, SOLO).map((card) => click(card)));
  const burstCards = rest.slice(SOLO, SOLO + CLICKS);
  await bot.maxStallMs();
  const prepared = burstCards.map((card) =>
    prepareActivity(
      endpoint,
      executeClick(connector.url, card.threadId, card.messageId, alex, 'ack', {
        verb: 'ack',
        alertId: card.alertId,
        version: card.version,
      }),
    ),
  );
  const durations = timesOf(await fireAtOnce(prepared));
  const ackWall = Math.max(...durations);
  const stall = await bot.maxStallMs();
  const acked = await acknowledgedCount(
    store,
    burstCards.map((c) => c.alertId),
  );
  return figureOf(
    `Teams: ${CLICKS} Action.Execute Acknowledge clicks`,
    durations,
    bareP99,
    TEAMS_BUDGET_MS,
    `All sent at once to /api/messages (anonymous loopback), each answered with the updated card; all answered within ${round(ackWall)} ms; ${acked}/${CLICKS} alerts acknowledged; ` +
      `the bot's longest event-loop stall meanwhile ${round(stall)} ms; one click alone, nothing else in flight: p50 ${round(p50(solo))} ms over ${SOLO}.`,
  );
}

/** The card of one of the Teams alerts as posted, for the frameworks' floor to answer with. */
async function teamsCard(storePath: string, alertId: string): Promise<object> {
  const store = new SqliteStore(storePath);
  try {
    const alert = await store.getAlert(alertId);
    if (alert === undefined) throw new Error(`${alertId} is not in the store`);
    return alertCard(toAlertView(alert, { now: new Date() }));
  } finally {
    await store.close();
  }
}

interface Floor {
  clicks: number;
  hunts: number;
  teams: number;
}

/** A server of the benchmark's own, in its own process; resolves once it prints that it listens. */
async function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (b: Buffer) => {
        if (b.toString('utf8').includes('listening')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${args.join(' ').slice(0, 80)} exited ${code}:\n${output()}`)));
    });
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** The same bursts as the bot gets (each after one warm-up burst: JIT and connections, as the bot gets), against `url`; their p99s. */
async function burstsAt(url: string, standin: SlackStandin, connector: ConnectorStandIn, cards: Posted): Promise<Floor> {
  standin.botEndpoint = `${url}/slack/events`;
  const p99 = (xs: number[]): number =>
    percentile(
      [...xs].sort((a, b) => a - b),
      0.99,
    );
  const slackBurst = (): Promise<[number[], number[]]> =>
    burst(
      undefined,
      cards.slack.slice(0, CLICKS).map((card) =>
        standin.prepareBlockAction({
          user: 'U0ALICE',
          channel: SLACK_CHANNEL,
          messageTs: card.ts,
          actionId: 'fw_ack',
          value: card.value,
        }),
      ),
      Array.from({ length: HUNTS }, () =>
        standin.prepareSlashCommand({ command: '/hunt', text: 'alice@contoso.com 7d', user: 'U0ALICE', channel: SLACK_CHANNEL }),
      ),
    );
  await slackBurst();
  const [clicks, hunts] = await slackBurst();
  const teamsBurst = async (): Promise<number[]> =>
    timesOf(
      await fireAtOnce(
        cards.teams.slice(0, CLICKS).map((card) =>
          prepareActivity(
            `${url}/api/messages`,
            executeClick(connector.url, card.threadId, card.messageId, alex, 'ack', {
              verb: 'ack',
              alertId: card.alertId,
              version: card.version,
            }),
          ),
        ),
      ),
    );
  await teamsBurst();
  const teams = await teamsBurst();
  return { clicks: p99(clicks), hunts: p99(hunts), teams: p99(teams) };
}

/**
 * The floor on this machine: the same bursts, from the same clients, against
 * a bare Node HTTP server in its own process that reads each body and answers
 * 200 at once. What the bot adds is its figure minus this.
 */
async function floor(standin: SlackStandin, connector: ConnectorStandIn, cards: Posted): Promise<Floor> {
  const script = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('content-type', 'application/json'); s.end('{}'); }); }).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\\n'));`;
  const server = await startServer(['-e', script]);
  try {
    return await burstsAt(server.url, standin, connector, cards);
  } finally {
    await server.stop();
  }
}

/**
 * The second baseline: the same bursts against Bolt and the Agents SDK alone
 * (bench/framework-floor.ts), answering every Teams click with an alert card
 * of the same kind as the bot's.
 */
async function frameworkFloor(standin: SlackStandin, connector: ConnectorStandIn, cards: Posted, card: object): Promise<Floor> {
  const server = await startServer(['--import', 'tsx', path.join(__dirname, 'framework-floor.ts')], {
    SLACK_SIGNING_SECRET: standin.signingSecret,
    FLOOR_CARD: JSON.stringify(card),
  });
  try {
    return await burstsAt(server.url, standin, connector, cards);
  } finally {
    await server.stop();
  }
}

/** What Bolt or the Agents SDK alone answers the burst in, against the bare server: what the frameworks cost before FirstWatch does anything. */
function frameworkFigure(what: string, p99: number, bareP99: number): BenchFigure {
  return {
    figure: `${what}: the same burst, p99 vs the bare server's p99`,
    value: round(p99),
    baseline: round(bareP99),
    unit: 'ms',
    ratio: round(p99 / bareP99, 2),
    target: 'reported',
    note: 'The frameworks alone (bench/framework-floor.ts), mounted as FirstWatch mounts them, doing nothing of their own; measured once, between the bare server before the bot and the bot.',
  };
}

/** Adds the bot's p99 against the frameworks alone to a figure's note. */
function overFramework(f: BenchFigure, frameworkP99: number, name: string): void {
  f.note = `${f.note} Against ${name} alone on the same burst (p99 ${round(frameworkP99)} ms): ${round(f.value / frameworkP99, 2)}×.`;
}

export const interactionLatency: Bench = {
  name: 'interaction-latency',
  async run(): Promise<BenchFigure[]> {
    const built = ensureBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fw-latency-'));
    const storePath = path.join(dir, 'fw.db');
    const now = new Date();
    const standin = await startSlackStandin();
    const connector = await new ConnectorStandIn().start();
    connector.members.set(alex.id, { id: alex.id, name: alex.name, aadObjectId: alex.aadObjectId, userPrincipalName: alex.upn });
    connector.teams.set(TEAM.id, [{ id: TEAM.id }, { id: ALERTS.id, name: ALERTS.name }]);
    let bot: BotProcess | undefined;
    let reader: SqliteStore | undefined;
    try {
      // The bot's embedded workspace, and the users the hunts ask about.
      await generateWorkspace({ dir: path.join(dir, 'workspace'), seed: 1, now, days: 7 });
      const signins = generateSampleData({ seed: 1, now, days: 7 }).tables.find((t) => t.name === 'SigninLogs');
      const upns = [...new Set((signins?.rows ?? []).map((r) => String(r.UserPrincipalName ?? '').toLowerCase()).filter(Boolean))].sort();
      for (let i = 0; upns.length < HUNTS; i++) upns.push(`nobody${i}@contoso.com`);

      const posted = await postCards(storePath, standin, connector);
      const before = await floor(standin, connector, posted);
      const framework = await frameworkFloor(standin, connector, posted, await teamsCard(storePath, posted.teams[0].alertId));
      bot = await startBotProcess(dir, standin);
      // One connection beside the bot's, for reading alert states (WAL: readers do not block it).
      reader = new SqliteStore(storePath);
      // The bare server's bursts before the bot starts and after it stops; the baseline is their mean, so one busy moment moves it less.
      const floorAfter = async (): Promise<Floor> => {
        await bot?.stop();
        bot = undefined;
        return floor(standin, connector, posted);
      };
      const slackRun = (b: { clicks: number; hunts: number }): Promise<BenchFigure[]> =>
        slackLatency(bot as BotProcess, standin, posted.slack, reader as SqliteStore, upns, b);
      const teamsRun = (b: number): Promise<BenchFigure> =>
        teamsLatency(bot as BotProcess, connector, posted.teams, reader as SqliteStore, b);
      // The figures are computed once both floors are known: run the bursts first, against a placeholder floor.
      const slack = await slackRun(before);
      const teams = await teamsRun(before.teams);
      const after = await floorAfter();
      const mean = (a: number, b: number): number => (a + b) / 2;
      const bare = {
        clicks: mean(before.clicks, after.clicks),
        hunts: mean(before.hunts, after.hunts),
        teams: mean(before.teams, after.teams),
      };
      rebase(slack[0] as BenchFigure, bare.clicks, before.clicks, after.clicks);
      rebase(slack[1] as BenchFigure, bare.hunts, before.hunts, after.hunts);
      rebase(teams, bare.teams, before.teams, after.teams);
      const floorNote =
        'The baseline: the same burst from the same client against a bare Node HTTP server in its own process answering 200 at once, measured in this run.';
      for (const f of [...slack, teams]) f.note = `${f.note} ${floorNote} ${built}.`;
      overFramework(slack[0] as BenchFigure, framework.clicks, 'a bare Bolt app');
      overFramework(slack[1] as BenchFigure, framework.hunts, 'a bare Bolt app');
      overFramework(teams, framework.teams, 'a bare Agents SDK bot');
      return [
        ...slack,
        teams,
        frameworkFigure(`Slack: a bare Bolt app acknowledging ${CLICKS} clicks + ${HUNTS} commands`, framework.clicks, bare.clicks),
        frameworkFigure(`Teams: a bare Agents SDK bot answering ${CLICKS} Action.Execute with a card`, framework.teams, bare.teams),
      ];
    } catch (err) {
      if (bot) process.stderr.write(`bot output:\n${bot.output()}\n`);
      throw err;
    } finally {
      await reader?.close();
      await bot?.stop();
      await standin.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

if (require.main === module) runAlone(interactionLatency);
