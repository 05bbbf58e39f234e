/**
 * How close FirstWatch gets to a platform's rate limit without crossing it:
 * 300 alerts for one Slack channel (the Slack stand-in with a per-channel limit
 * of 20 posts per second, answered with 429 + Retry-After) and 300 for one Teams
 * channel (the connector stand-in behind a gate that enforces Teams' per-thread
 * windows, 20× faster), each through the real store, Dispatcher and platform.
 * The baseline is the rate the limit allows over 300 messages (its tightest
 * window that 300 sends can fill: 20/s for Slack, 60 per 1.5 s for Teams), so
 * the ratio is achieved rate / allowed rate; the note adds how long a sender
 * spending every burst the windows allow would take (replayed on a virtual clock). Every run also checks that each alert arrived
 * exactly once and that no request was sent inside an announced Retry-After.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertService } from '../src/alerts/alert-service';
import { AllowListAuthorizer } from '../src/alerts/authorizer';
import type { Alert } from '../src/alerts/types';
import { CommandRouter } from '../src/chat/router/command-router';
import { createSlack } from '../src/chat/slack';
import { ThreadRateLimiter, TEAMS_THREAD_LIMITS, type RateWindow } from '../src/chat/teams/rate-limiter';
import type { Timekeeper } from '../src/time/clock';
import { silentLogger } from '../src/logging/logger';
import { Dispatcher } from '../src/delivery/dispatcher';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import type { DeliveryTarget } from '../src/delivery/types';
import { startSlackStandin } from '../test/support/slack-standin';
import { newAlert } from '../test/chat/slack/harness';
import { ALERTS, TEAM, botAddedToTeam, send } from '../test/chat/teams/activities';
import { ConnectorStandIn } from '../test/chat/teams/connector-standin';
import { eventually } from '../test/chat/teams/eventually';
import { startBot } from '../test/chat/teams/harness';
import { type Bench, type BenchFigure, runAlone } from './types';

const ALERT_COUNT = 300;
const SLACK_CHANNEL = 'C0ALERTS';
/** Slack's ~1 message/s per channel, 20× faster to keep the run short. */
const SLACK_LIMIT: RateWindow = { limit: 20, windowMs: 1_000 };
/** Teams' per-thread windows with every span divided by this (the limits stay). */
const TEAMS_SPEEDUP = 20;
const TEAMS_WINDOWS: RateWindow[] = TEAMS_THREAD_LIMITS.map((w) => ({ limit: w.limit, windowMs: w.windowMs / TEAMS_SPEEDUP }));
const TARGET_RATIO = 0.9;
const DEADLINE_MS = 120_000;

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Shortest time from the first to the last of `n` sends that `windows` allow (a greedy sender on a virtual clock). */
async function idealSpanMs(windows: readonly RateWindow[], n: number): Promise<number> {
  let t = 0;
  const clock: Timekeeper = {
    now: () => new Date(t),
    sleep: async (ms) => {
      t += ms;
    },
  };
  const limiter = new ThreadRateLimiter(windows, clock);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.acquire('x');
    times.push(t);
  }
  return times[times.length - 1] - times[0];
}

/** Stores `count` alerts for one target, as a poll would. */
async function storeAlerts(store: SqliteStore, target: DeliveryTarget, firstN: number, count: number): Promise<Alert[]> {
  return store.recordPoll({
    workspace: 'contoso-sentinel',
    detectionId: 'first-time-run-command',
    watermark: new Date(),
    alerts: Array.from({ length: count }, (_, i) => newAlert(firstN + i)),
    targets: [target],
  });
}

/** Alert ids that arrived other than exactly once. */
function countMismatches(expected: string[], arrived: string[]): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const id of arrived) counts.set(id, (counts.get(id) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  for (const id of expected) {
    const c = counts.get(id) ?? 0;
    if (c === 0) lost++;
    else if (c > 1) duplicated += c - 1;
  }
  // Anything posted that was never stored is a duplicate of nothing: count it too.
  for (const [id, c] of counts) if (!expected.includes(id)) duplicated += c;
  return { lost, duplicated };
}

interface DeliveryRun {
  firstMs: number;
  lastMs: number;
  storedMs: number;
  lost: number;
  duplicated: number;
  answered429: number;
  violations: number;
}

async function slackRun(): Promise<DeliveryRun> {
  const standin = await startSlackStandin({ rateLimit: { ...SLACK_LIMIT, retryAfterSec: 1 } });
  const store = new SqliteStore(':memory:');
  const logger = silentLogger();
  // The channel's own rate (the queue spaces posts at 95 % of it); burst 1 so the bucket never puts 21 posts into one sliding second.
  const slack = createSlack(
    {
      botToken: standin.botToken,
      signingSecret: standin.signingSecret,
      channels: [SLACK_CHANNEL],
      apiUrl: standin.url,
      huntVisibility: 'ephemeral',
      logger,
      queue: { ratePerSecond: SLACK_LIMIT.limit / (SLACK_LIMIT.windowMs / 1000), burst: 1 },
    },
    {
      router: new CommandRouter({
        alerts: new AlertService({ store, authorizer: new AllowListAuthorizer([]) }),
        store,
        huntLimits: { defaultMs: 86_400_000, maxMs: 86_400_000 },
      }),
    },
  );
  const dispatcher = new Dispatcher({ store, platforms: { slack: slack.platform }, logger, retryBaseMs: 50, retryMaxMs: 1_000 });
  try {
    await slack.start({ interactive: false });
    const arrivals: number[] = [];
    const posts = (): number => standin.messagesIn(SLACK_CHANNEL).filter((m) => m.thread_ts === undefined).length;
    dispatcher.start();
    const storedMs = performance.now();
    const alerts = await storeAlerts(store, { platform: 'slack', target: SLACK_CHANNEL }, 1, ALERT_COUNT);
    dispatcher.kick();
    await standin.waitFor(
      () => {
        // Re-checked on every call the stand-in records: a new post's arrival time.
        for (let n = posts(); arrivals.length < n;) arrivals.push(performance.now());
        return arrivals.length >= ALERT_COUNT;
      },
      `${ALERT_COUNT} alert posts`,
      DEADLINE_MS,
    );
    await dispatcher.stop();
    const ids = standin
      .messagesIn(SLACK_CHANNEL)
      .map((m) => m.metadata?.event_payload.alert_id)
      .filter((id): id is string => typeof id === 'string');
    const { lost, duplicated } = countMismatches(
      alerts.map((a) => a.id),
      ids,
    );
    return {
      firstMs: arrivals[0],
      lastMs: arrivals[arrivals.length - 1],
      storedMs,
      lost,
      duplicated,
      answered429: standin.callsTo('chat.postMessage').filter((c) => c.httpStatus === 429).length,
      violations: standin.rateLimitViolations,
    };
  } finally {
    await dispatcher.stop();
    await slack.stop();
    await standin.close();
    await store.close();
  }
}

/**
 * Teams' side of the limit: a gate in front of the connector stand-in that
 * answers 429 + Retry-After when a send would overflow any window of its
 * channel (threads of a channel share its budget), and counts sends that
 * arrive while a Retry-After it gave is still running.
 */
class TeamsLimitGate {
  readonly arrivals = new Map<string, number[]>();
  answered429 = 0;
  violations = 0;
  private readonly sent = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();
  private server?: Server;
  url = '';

  constructor(
    private readonly upstream: string,
    private readonly windows: readonly RateWindow[],
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 502;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const key = this.sendKey(req.method ?? 'GET', path, body);
    if (key !== undefined) {
      const now = performance.now();
      if (now < (this.pausedUntil.get(key) ?? 0)) this.violations++;
      const wait = this.waitFor(key, now);
      if (wait > 0) {
        this.answered429++;
        this.pausedUntil.set(key, now + wait);
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': (wait / 1000).toFixed(3) });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'thread rate limit' } }));
        return;
      }
      const log = this.sent.get(key) ?? [];
      log.push(now);
      this.sent.set(key, log);
      const arrived = this.arrivals.get(key) ?? [];
      arrived.push(now);
      this.arrivals.set(key, arrived);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(`${this.upstream}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const text = await answer.text();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  }

  /** The channel a send counts against, or undefined for reads. */
  private sendKey(method: string, path: string, body: Buffer): string | undefined {
    if (method === 'POST' && path === '/v3/conversations') {
      const parsed = JSON.parse(body.toString('utf8')) as { channelData?: { channel?: { id?: string } } };
      return parsed.channelData?.channel?.id ?? 'chat';
    }
    const m = /^\/v3\/conversations\/([^/]+)\/activities(\/[^/]+)?$/.exec(path);
    if (m !== null && (method === 'POST' || method === 'PUT')) return m[1].split(';')[0];
    return undefined;
  }

  /** Milliseconds until every window of `key` has room (0: now). */
  private waitFor(key: string, now: number): number {
    const log = this.sent.get(key) ?? [];
    let wait = 0;
    for (const w of this.windows) {
      const inside = log.filter((t) => t > now - w.windowMs);
      if (inside.length >= w.limit) wait = Math.max(wait, inside[inside.length - w.limit] + w.windowMs - now);
    }
    return wait;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

async function teamsRun(): Promise<DeliveryRun> {
  const connector = await new ConnectorStandIn().start();
  connector.teams.set(TEAM.id, [{ id: TEAM.id }, { id: ALERTS.id, name: ALERTS.name }]);
  const gate = await new TeamsLimitGate(connector.url, TEAMS_WINDOWS).start();
  // FirstWatch's own limiter knows the same (scaled) windows, as in production it knows Teams'.
  const bot = await startBot({
    limiter: new ThreadRateLimiter(TEAMS_WINDOWS),
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    lookupMembers: false,
  });
  const logger = silentLogger();
  const dispatcher = new Dispatcher({ store: bot.store, platforms: { teams: bot.platform }, logger, retryBaseMs: 50, retryMaxMs: 1_000 });
  try {
    const installed = await send(bot.endpoint, botAddedToTeam(gate.url));
    if (installed.status !== 200) throw new Error(`installing the bot in the team answered ${installed.status}`);
    await eventually('the Alerts channel to be stored', async () =>
      (await bot.platform.conversations.lookup(ALERTS.name)).ok ? true : undefined,
    );
    dispatcher.start();
    const storedMs = performance.now();
    const alerts = await storeAlerts(bot.store, { platform: 'teams', target: ALERTS.name }, 100_001, ALERT_COUNT);
    dispatcher.kick();
    const deadline = Date.now() + DEADLINE_MS;
    const creates = (): number => connector.find('POST', /^\/v3\/conversations$/).length;
    while (creates() < ALERT_COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await dispatcher.stop();
    const ids = connector.find('POST', /^\/v3\/conversations$/).map((c) => {
      const found = new Set(JSON.stringify(c.body).match(/FW-\d+/g) ?? []);
      return found.size === 1 ? [...found][0] : `unreadable(${[...found].join(',')})`;
    });
    const { lost, duplicated } = countMismatches(
      alerts.map((a) => a.id),
      ids,
    );
    const arrivals = gate.arrivals.get(ALERTS.id) ?? [];
    if (arrivals.length === 0) throw new Error('no Teams post reached the connector');
    return {
      firstMs: arrivals[0],
      lastMs: arrivals[arrivals.length - 1],
      storedMs,
      lost,
      duplicated,
      answered429: gate.answered429,
      violations: gate.violations,
    };
  } finally {
    await dispatcher.stop();
    await bot.close();
    await gate.close();
    await connector.close();
  }
}

/**
 * The rate a limit allows for a run of `n` sends: its tightest window that `n`
 * sends can fill (a window whose limit exceeds `n` never binds in this run).
 */
function allowedRate(windows: readonly RateWindow[], n: number): number {
  const binding = windows.filter((w) => w.limit < n);
  return Math.min(...(binding.length > 0 ? binding : windows).map((w) => (w.limit / w.windowMs) * 1000));
}

function figureOf(platform: string, windows: readonly RateWindow[], limitText: string, run: DeliveryRun, idealMs: number): BenchFigure {
  const spanMs = run.lastMs - run.firstMs;
  // Sends per second between the first and the last: n posts span n - 1 intervals.
  const achieved = ((ALERT_COUNT - 1) / spanMs) * 1000;
  const allowed = allowedRate(windows, ALERT_COUNT);
  const ratio = achieved / allowed;
  const clean = run.lost === 0 && run.duplicated === 0 && run.violations === 0;
  return {
    figure: `${platform}: ${ALERT_COUNT} alerts to one channel under ${limitText}, achieved / allowed rate`,
    value: round(achieved),
    baseline: round(allowed),
    unit: 'msg/s',
    ratio: round(ratio, 3),
    target: `>= ${TARGET_RATIO}, none lost or doubled, no send inside a Retry-After`,
    holds: ratio >= TARGET_RATIO && clean,
    note:
      `first to last post ${round(spanMs / 1000)} s; a sender spending every burst the windows allow would take ${round(idealMs / 1000)} s ` +
      `(${round(idealMs / spanMs, 3)} of that); stored to last post ${round((run.lastMs - run.storedMs) / 1000)} s; ` +
      `lost ${run.lost}, duplicated ${run.duplicated}; 429s answered ${run.answered429} (each waited out and retried), sends inside a Retry-After ${run.violations}`,
  };
}

export const deliveryEfficiency: Bench = {
  name: 'delivery-efficiency',
  async run(): Promise<BenchFigure[]> {
    const slack = await slackRun();
    const teams = await teamsRun();
    return [
      figureOf(
        'Slack',
        [SLACK_LIMIT],
        `${SLACK_LIMIT.limit} posts per ${SLACK_LIMIT.windowMs / 1000} s (429 + Retry-After)`,
        slack,
        await idealSpanMs([SLACK_LIMIT], ALERT_COUNT),
      ),
      figureOf(
        'Teams',
        TEAMS_WINDOWS,
        `Teams' per-thread windows ${TEAMS_SPEEDUP}× faster (${TEAMS_WINDOWS.map((w) => `${w.limit}/${w.windowMs} ms`).join(', ')})`,
        teams,
        await idealSpanMs(TEAMS_WINDOWS, ALERT_COUNT),
      ),
    ];
  },
};

if (require.main === module) runAlone(deliveryEfficiency);
