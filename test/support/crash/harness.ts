import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AlertService } from '../../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../../src/alerts/authorizer';
import { buildApp } from '../../../src/app/build';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/logging/logger';
import { openSqliteStore } from '../../../src/store';
import { startSlackStandin, type SlackStandin } from '../slack-standin';
import { startFirstWatch, type FirstWatchProcess } from './process';
import { writeCrashWorkspace } from './workspace';

export interface CrashScenarioOptions {
  /** SIGKILLs before the final, clean run. */
  kills: number;
  seed: number;
  /** First-time hits added to the sample workspace's own. */
  extraHits: number;
  /** Between lives, every this many kills a responder acknowledges a posted alert (its cards must catch up). */
  transitionEvery?: number;
  onProgress?: (line: string) => void;
}

export interface KillPoint {
  life: number;
  phase: 'poll' | 'delivery';
  /** Cards in Slack when the process was killed. */
  postsAtKill: number;
}

export interface CrashReport {
  kills: KillPoint[];
  expectedHits: number;
  alerts: number;
  /** Expected fingerprints with no alert, and alerts nobody expected. */
  missing: string[];
  unexpected: string[];
  /** Alert ids with more than one card in Slack, and alerts with none. */
  duplicatePosts: string[];
  unposted: string[];
  /** Cards whose metadata version differs from the alert's current version. */
  staleCards: string[];
  /** Deliveries found already posted (by message metadata) after a kill instead of posting again. */
  reconciled: number;
  transitions: number;
  finalExit: number | string;
  elapsedMs: number;
}

const CHANNEL = 'C0ALERTS';
const RESPONDER = 'alice@contoso.com';

/** mulberry32, so a seed names one sequence of kill points. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `firstwatch start` as a child process against a generated workspace
 * and the Slack stand-in, SIGKILLs it at seeded random points during the poll
 * and during deliveries, restarts it, and after a final clean run checks the
 * end state against the hits the workspace holds.
 */
export async function runCrashScenario(options: CrashScenarioOptions): Promise<CrashReport> {
  const started = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const random = rng(options.seed);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-crash-'));
  const standin = await startSlackStandin();
  const db = path.join(dir, 'fw.db');
  const workspace = path.join(dir, 'workspace');
  const env = {
    SQLITE_PATH: db,
    LOCAL_WORKSPACE_DIR: workspace,
    CONSOLE_OUTPUT: 'false',
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: standin.signingSecret,
    SLACK_CHANNELS: CHANNEL,
    SLACK_API_URL: standin.url,
    RESPONDERS: RESPONDER,
    // Every alert gets its own card (no storm digest), so each delivery can be counted.
    STORM_THRESHOLD: '0',
  };
  let current: FirstWatchProcess | undefined;
  try {
    await writeCrashWorkspace(workspace, { seed: options.seed, extraHits: options.extraHits });
    const expected = await expectedFingerprints(dir, workspace);
    say(`workspace: ${expected.size} expected hits`);

    const kills: KillPoint[] = [];
    let reconciled = 0;
    let transitions = 0;
    for (let life = 1; life <= options.kills; life++) {
      expireLeases(db);
      const fw = (current = startFirstWatch(dir, env));
      await fw.listening;
      const postsBefore = cards(standin).length;
      let phase: KillPoint['phase'];
      if (random() < 0.35) {
        // During the start-up poll: it begins as soon as the server listens.
        phase = 'poll';
        await sleep(Math.floor(random() * 400));
      } else {
        phase = 'delivery';
        const target = postsBefore + 1 + Math.floor(random() * 3);
        await Promise.race([standin.waitFor(() => cards(standin).length >= target, 'posts', 8_000).catch(() => undefined), fw.exited]);
        await sleep(Math.floor(random() * 30));
      }
      fw.kill('SIGKILL');
      await fw.exited;
      reconciled += fw.lines.filter((l) => l.msg === 'delivery reconciled with an earlier post').length;
      kills.push({ life, phase, postsAtKill: cards(standin).length });
      say(`life ${life}: killed during the ${phase}, ${cards(standin).length} cards in Slack`);
      if (options.transitionEvery !== undefined && life % options.transitionEvery === 0 && (await acknowledgeOne(db, standin, random)))
        transitions++;
    }

    // The final life runs until Slack is quiet, then stops cleanly.
    expireLeases(db);
    const fw = (current = startFirstWatch(dir, env));
    await fw.listening;
    await standin
      .waitFor(() => new Set(cards(standin).map(alertIdOf)).size >= expected.size, 'every alert posted', 180_000)
      .catch(() => undefined);
    await quiet(standin, 2_500);
    fw.kill('SIGTERM');
    const finalExit = await fw.exited;
    reconciled += fw.lines.filter((l) => l.msg === 'delivery reconciled with an earlier post').length;
    current = undefined;

    const store = openSqliteStore(db);
    try {
      const alerts = await store.listAlerts({ status: 'all', limit: 1000 });
      const fingerprints = new Set(alerts.map((a) => a.fingerprint));
      const posts = new Map<string, number>();
      for (const m of cards(standin)) posts.set(alertIdOf(m), (posts.get(alertIdOf(m)) ?? 0) + 1);
      const staleCards: string[] = [];
      for (const a of alerts) {
        for (const m of cards(standin).filter((c) => alertIdOf(c) === a.id)) {
          const shown = (m.metadata?.event_payload as { version?: unknown } | undefined)?.version;
          if (shown !== a.version) staleCards.push(`${a.id} shows v${String(shown)}, is v${a.version}`);
        }
      }
      return {
        kills,
        expectedHits: expected.size,
        alerts: alerts.length,
        missing: [...expected].filter((f) => !fingerprints.has(f)),
        unexpected: alerts.filter((a) => !expected.has(a.fingerprint)).map((a) => a.id),
        duplicatePosts: [...posts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`),
        unposted: alerts.filter((a) => !posts.has(a.id)).map((a) => a.id),
        staleCards,
        reconciled,
        transitions,
        finalExit,
        elapsedMs: Date.now() - started,
      };
    } finally {
      await store.close();
    }
  } finally {
    if (current !== undefined) {
      current.kill('SIGKILL');
      await current.exited;
    }
    await standin.close();
    await rm(dir, { recursive: true, force: true });
  }
}

type Card = ReturnType<SlackStandin['messagesIn']>[number];

/** Alert cards (top-level bot messages tagged with an alert id). */
function cards(standin: SlackStandin): Card[] {
  return standin.messagesIn(CHANNEL).filter((m) => m.thread_ts === undefined && alertIdOf(m) !== '');
}

function alertIdOf(m: Card): string {
  const id = (m.metadata?.event_payload as { alert_id?: unknown } | undefined)?.alert_id;
  return typeof id === 'string' ? id : '';
}

/** Resolves once the stand-in has seen no call for `ms`. */
async function quiet(standin: SlackStandin, ms: number): Promise<void> {
  let seen = standin.calls.length;
  for (;;) {
    await sleep(ms);
    if (standin.calls.length === seen) return;
    seen = standin.calls.length;
  }
}

/**
 * The hits the workspace holds, as fingerprints: every detection run once,
 * dry, in this process over a scratch store (nothing posted).
 */
export async function expectedFingerprints(dir: string, workspace: string): Promise<Set<string>> {
  const config = loadConfig(
    {
      DETECTIONS_DIR: path.join(__dirname, '../../../detections'),
      SQLITE_PATH: path.join(dir, 'expected.db'),
      LOCAL_WORKSPACE_DIR: workspace,
      TEAMS_PLAYGROUND: 'false',
      CONSOLE_OUTPUT: 'false',
    },
    { envFile: false },
  );
  const app = await buildApp(config, { logger: silentLogger() });
  try {
    const found = new Set<string>();
    for (const d of app.detections) {
      for (const o of await app.poller.runDetection(d, { dryRun: true })) {
        if (!o.ok) throw new Error(`expected hits: ${d.slug} failed: ${o.error ?? ''}`);
        for (const c of o.candidates ?? []) found.add(c.fingerprint);
      }
    }
    return found;
  } finally {
    await app.close();
  }
}

/**
 * A killed process's claims stay leased for a minute; the harness lets that
 * minute pass at once (the claim's attempt count stays, so the next process
 * still treats the delivery as possibly posted and reconciles first).
 */
function expireLeases(db: string): void {
  if (!existsSync(db)) return;
  const sqlite = new Database(db);
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare('UPDATE deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL').run();
    sqlite.prepare('UPDATE replies SET lease_until = NULL WHERE lease_until IS NOT NULL').run();
  } finally {
    sqlite.close();
  }
}

/** A responder acknowledges one posted, open alert while no process runs: the next one must bring its card up to date. */
async function acknowledgeOne(db: string, standin: SlackStandin, random: () => number): Promise<boolean> {
  const ids = [...new Set(cards(standin).map(alertIdOf))];
  if (ids.length === 0) return false;
  const store = openSqliteStore(db);
  try {
    const alerts = new AlertService({ store, authorizer: new AllowListAuthorizer([RESPONDER]) });
    const id = ids[Math.floor(random() * ids.length)] as string;
    const result = await alerts.acknowledge(id, { platform: 'cli', id: RESPONDER, displayName: 'Alice', email: RESPONDER }, 'cli');
    return result.outcome === 'allowed';
  } finally {
    await store.close();
  }
}
