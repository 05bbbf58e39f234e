/**
 * 200 workspaces × 3 rules against the local workspace server keeping Azure Monitor's
 * per-identity query limits (5 at once, 200 requests per 30 s) with 1–3 s per query,
 * polled through the real LogsQueryClient and the poller's query limiter. One more
 * workspace fails (404: not served) and one more is throttled (429 with Retry-After).
 *
 * The figure is one full cycle's time against the least time the limits allow for the
 * queries the service actually ran: the larger of (their summed latency / 5) and the
 * rate bound (the n-th request cannot start before floor((n-1)/200) windows have passed).
 * Ratio = bound / cycle; target >= 0.8. Every healthy workspace's alerts must be stored in
 * that cycle, none twice; a second cycle (no new rows) must store nothing: its time is the
 * idle cost.
 *
 * BENCH_QUERY_TIME_SCALE (default 1) scales latency and the rate window together, for a
 * quicker look (0.1: 100–300 ms per query, 200 per 3 s); the ratio is what to compare.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDetections } from '../src/detections';
import type { Table } from '../src/kql/types';
import { silentLogger } from '../src/logging/logger';
import { Poller, type WorkspaceBinding } from '../src/poller/poller';
import { QueryLimiter } from '../src/poller/query-limiter';
import { SqliteStore } from '../src/store';
import { LogAnalyticsSource, ServiceLimits, startWorkspaceServer } from '../src/workspace';
import { type Bench, type BenchFigure, runAlone } from './types';

const WORKSPACES = 200;
const RULES = 3;
const ROWS_PER_RULE = 2;
const TARGET = 0.8;

function scale(): number {
  const s = Number(process.env.BENCH_QUERY_TIME_SCALE ?? '1');
  if (!(s > 0 && s <= 10)) throw new Error(`BENCH_QUERY_TIME_SCALE must be in (0, 10], got ${process.env.BENCH_QUERY_TIME_SCALE}`);
  return s;
}

/** A small deterministic PRNG, so every run draws the same latencies. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rule(n: number): string {
  return `id: 0000bec${n}-0000-4000-8000-000000000000
name: Bench rule ${n}
description: One of the many-workspaces benchmark's rules.
severity: Medium
queryFrequency: 5m
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: []
relevantTechniques: []
query: |
  BenchEvents
  | where TimeGenerated > ago(1h)
  | where Rule == ${n}
  | project TimeGenerated, User, Rule
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: User
kind: Scheduled
`;
}

function eventsOf(w: number, at: Date): Table {
  const rows = [];
  for (let r = 1; r <= RULES; r++) {
    for (let k = 0; k < ROWS_PER_RULE; k++) rows.push({ TimeGenerated: at, User: `user${k}.r${r}@ws${w}.example`, Rule: r });
  }
  return {
    name: 'BenchEvents',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
      { name: 'Rule', type: 'long' },
    ],
    rows,
  };
}

const workspaceId = (w: number): string => `bench-ws-${String(w).padStart(3, '0')}`;

export const manyWorkspaces: Bench = {
  name: 'many-workspaces',
  async run(): Promise<BenchFigure[]> {
    const s = scale();
    const windowMs = Math.round(30_000 * s);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-bench-rules-'));
    for (let n = 1; n <= RULES; n++) await writeFile(path.join(dir, `bench-rule-${n}.yaml`), rule(n));
    const detections = loadDetections(dir);
    await rm(dir, { recursive: true, force: true });

    const at = new Date(Date.now() - 10 * 60_000);
    const tables = new Map(Array.from({ length: WORKSPACES }, (_, w) => [workspaceId(w), eventsOf(w, at)] as const));
    const rng = mulberry32(20);
    let latencySumMs = 0;
    const limits = new ServiceLimits({
      latencyMs: { min: 1000 * s, max: 3000 * s },
      windowMs,
      random: () => {
        const x = rng();
        latencySumMs += 1000 * s + 2000 * s * x;
        return x;
      },
    });
    const server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      tablesFor: (id) => ({ getTable: (name) => (name === 'BenchEvents' ? tables.get(id) : undefined) }),
      workspaceId: [...tables.keys()],
      limits,
    });
    // A workspace the identity is throttled on: every query answered 429 with Retry-After.
    const hot = await startWorkspaceServer({ source: { getTable: () => undefined }, workspaceId: 'bench-hot' });
    hot.faults.next({ status: 429, retryAfterSeconds: 30 * s }, 1000);
    const store = new SqliteStore(':memory:');
    try {
      const source = (name: string, id: string, url: string): LogAnalyticsSource =>
        new LogAnalyticsSource({ name, workspaceId: id, endpoint: url, local: true, maxRetries: 0 });
      const workspaces: WorkspaceBinding[] = [...tables.keys()].map((id) => ({
        name: id,
        source: source(id, id, server.url),
        targets: [],
      }));
      workspaces.splice(50, 0, { name: 'bench-gone', source: source('bench-gone', 'bench-gone', server.url), targets: [] });
      workspaces.splice(150, 0, { name: 'bench-hot', source: source('bench-hot', 'bench-hot', hot.url), targets: [] });
      const limiter = new QueryLimiter({ limits: { windowMs, throttlePauseMs: windowMs } });
      const poller = new Poller({ store, workspaces, logger: silentLogger(), overlapMs: 60_000, delayAllowanceMs: 0, limiter });

      const cycle = async (): Promise<{ ms: number; created: Map<string, number>; failed: string[] }> => {
        const t0 = performance.now();
        const outcomes = (await Promise.all(detections.map((d) => poller.runDetection(d)))).flat();
        const ms = performance.now() - t0;
        const created = new Map<string, number>();
        for (const o of outcomes) created.set(o.workspace, (created.get(o.workspace) ?? 0) + o.created.length);
        return { ms, created, failed: [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.workspace))].sort() };
      };

      const servedBefore = server.requests.length;
      const first = await cycle();
      const served = server.requests.length - servedBefore;
      const rateBoundMs = Math.floor((served - 1) / limits.maxRequests) * windowMs;
      const boundMs = Math.max(latencySumMs / limits.maxConcurrent, rateBoundMs);
      const expected = RULES * ROWS_PER_RULE;
      const healthy = [...tables.keys()];
      const short = healthy.filter((id) => (first.created.get(id) ?? 0) !== expected);
      // The store's unique (detection, fingerprint) key makes each created alert a distinct one.
      const stored = healthy.reduce((sum, id) => sum + (first.created.get(id) ?? 0), 0);

      latencySumMs = 0;
      const second = await cycle();
      const doubled = [...second.created.values()].reduce((a, b) => a + b, 0);
      const lost = WORKSPACES * expected - stored;
      const ok = short.length === 0 && lost === 0 && doubled === 0 && first.failed.join() === 'bench-gone,bench-hot';
      const ratio = Math.round((boundMs / first.ms) * 100) / 100;
      const note =
        `${WORKSPACES} workspaces × ${RULES} rules + 1 failing + 1 throttled, ${+(1 * s).toFixed(3)}–${+(3 * s).toFixed(3)} s per query, ` +
        `5 at once, 200 per ${windowMs / 1000} s; ${served} queries served, ${limits.throttled} refused by the service; ` +
        `lost ${lost}, doubled ${doubled}, healthy workspaces short in the first cycle ${short.length}, failed: ${first.failed.join(', ')}`;
      return [
        {
          figure: 'many workspaces: least time the limits allow ÷ one full cycle',
          value: Math.round(first.ms),
          baseline: Math.round(boundMs),
          unit: 'ms',
          ratio,
          target: `>= ${TARGET}, 0 lost or doubled`,
          holds: ratio >= TARGET && ok,
          note,
        },
        {
          figure: 'many workspaces: idle cycle (no new rows)',
          value: Math.round(second.ms),
          baseline: Math.round(Math.max(latencySumMs / limits.maxConcurrent, rateBoundMs)),
          unit: 'ms',
          ratio: Math.round((Math.max(latencySumMs / limits.maxConcurrent, rateBoundMs) / second.ms) * 100) / 100,
          note: "reported, no target; the baseline is the same bound for the second cycle's queries",
        },
      ];
    } finally {
      await store.close();
      await server.close();
      await hot.close();
    }
  },
};

if (require.main === module) runAlone(manyWorkspaces);
