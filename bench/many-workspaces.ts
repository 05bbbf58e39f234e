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
 * The same two cycles run again with CROSS_WORKSPACE_QUERIES on (one query per rule over up to
 * 100 workspaces, split back by TenantId), beside the per-workspace figures of the same run. The
 * local service draws one latency per query whatever it spans; Azure's cross-workspace queries
 * are slower the more workspaces they span, which this does not model.
 *
 * The rules run every 10 minutes: a run may spend 80% of that querying, and 600 queries of
 * 1–3 s at 5 at once need about 4 minutes, which is what is measured, not a 5-minute rule's budget.
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
import { CrossWorkspaceQueries } from '../src/poller/cross-workspace';
import type { Detection } from '../src/detections/types';
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
queryFrequency: 10m
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: []
relevantTechniques: []
query: |
  BenchEvents
  | where TimeGenerated > ago(1h)
  | where Rule == ${n}
  | project TimeGenerated, User, Rule, TenantId
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: User
kind: Scheduled
`;
}

/** TenantId is the workspace's id, as on every Log Analytics row. */
function eventsOf(w: number, at: Date): Table {
  const rows = [];
  for (let r = 1; r <= RULES; r++) {
    for (let k = 0; k < ROWS_PER_RULE; k++)
      rows.push({ TimeGenerated: at, User: `user${k}.r${r}@ws${w}.example`, Rule: r, TenantId: workspaceId(w) });
  }
  return {
    name: 'BenchEvents',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
      { name: 'Rule', type: 'long' },
      { name: 'TenantId', type: 'string' },
    ],
    rows,
  };
}

const workspaceId = (w: number): string => `bench-ws-${String(w).padStart(3, '0')}`;

interface Cycles {
  first: { ms: number; boundMs: number; served: number; refused: number };
  idle: { ms: number; healthyMs: number; boundMs: number; served: number };
  lost: number;
  doubled: number;
  short: number;
  failed: string;
}

/** Two cycles over the same service: the first stores every alert, the second finds nothing new (the idle cost). */
async function measure(detections: Detection[], s: number, crossWorkspace: boolean): Promise<Cycles> {
  const windowMs = Math.round(30_000 * s);
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
    const poller = new Poller({
      store,
      workspaces,
      logger: silentLogger(),
      overlapMs: 60_000,
      delayAllowanceMs: 0,
      ...(crossWorkspace ? { crossWorkspace: new CrossWorkspaceQueries({ limiter }) } : { limiter }),
    });

    const cycle = async (): Promise<{ ms: number; healthyMs: number; created: Map<string, number>; failed: string[] }> => {
      const t0 = performance.now();
      let healthyMs = 0;
      const outcomes = (await Promise.all(detections.map((d) => poller.runDetection(d)))).flat();
      const ms = performance.now() - t0;
      // When the last healthy workspace's poll ended: the throttled one waits out its Retry-After, the others do not.
      for (const o of outcomes) if (tables.has(o.workspace)) healthyMs = Math.max(healthyMs, o.durationMs);
      const created = new Map<string, number>();
      for (const o of outcomes) created.set(o.workspace, (created.get(o.workspace) ?? 0) + o.created.length);
      return { ms, healthyMs, created, failed: [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.workspace))].sort() };
    };
    // The least time the limits allow for `served` queries of `latencySum` ms in all.
    const bound = (served: number, latencySum: number): number =>
      Math.max(latencySum / limits.maxConcurrent, Math.floor((served - 1) / limits.maxRequests) * windowMs);

    let servedBefore = server.requests.length;
    const first = await cycle();
    const served = server.requests.length - servedBefore;
    const firstBound = bound(served, latencySumMs);
    const refused = limits.throttled;
    const expected = RULES * ROWS_PER_RULE;
    const healthy = [...tables.keys()];
    const short = healthy.filter((id) => (first.created.get(id) ?? 0) !== expected);
    // The store's unique (detection, fingerprint) key makes each created alert a distinct one.
    const stored = healthy.reduce((sum, id) => sum + (first.created.get(id) ?? 0), 0);

    latencySumMs = 0;
    servedBefore = server.requests.length;
    const second = await cycle();
    const idleServed = server.requests.length - servedBefore;
    return {
      first: { ms: first.ms, boundMs: firstBound, served, refused },
      idle: { ms: second.ms, healthyMs: second.healthyMs, boundMs: bound(idleServed, latencySumMs), served: idleServed },
      lost: WORKSPACES * expected - stored,
      doubled: [...second.created.values()].reduce((a, b) => a + b, 0),
      short: short.length,
      failed: first.failed.join(', '),
    };
  } finally {
    await store.close();
    await server.close();
    await hot.close();
  }
}

export const manyWorkspaces: Bench = {
  name: 'many-workspaces',
  async run(): Promise<BenchFigure[]> {
    const s = scale();
    const windowMs = Math.round(30_000 * s);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-bench-rules-'));
    for (let n = 1; n <= RULES; n++) await writeFile(path.join(dir, `bench-rule-${n}.yaml`), rule(n));
    const detections = loadDetections(dir);
    await rm(dir, { recursive: true, force: true });

    const per = await measure(detections, s, false);
    const cross = await measure(detections, s, true);
    const r = (n: number): number => Math.round(n * 100) / 100;
    const sound = (c: Cycles): boolean => c.short === 0 && c.lost === 0 && c.doubled === 0 && c.failed === 'bench-gone, bench-hot';
    const describe = (c: Cycles): string =>
      `${c.first.served} queries served in the first cycle, ${c.idle.served} in the idle one, ${c.first.refused} refused by the service; ` +
      `lost ${c.lost}, doubled ${c.doubled}, healthy workspaces short in the first cycle ${c.short}, failed: ${c.failed}`;
    const setting =
      `${WORKSPACES} workspaces × ${RULES} rules + 1 failing + 1 throttled, ${+(1 * s).toFixed(3)}–${+(3 * s).toFixed(3)} s per query, ` +
      `5 at once, 200 per ${windowMs / 1000} s`;
    return [
      {
        figure: 'many workspaces: least time the limits allow ÷ one full cycle',
        value: Math.round(per.first.ms),
        baseline: Math.round(per.first.boundMs),
        unit: 'ms',
        ratio: r(per.first.boundMs / per.first.ms),
        target: `>= ${TARGET}, 0 lost or doubled`,
        holds: per.first.boundMs / per.first.ms >= TARGET && sound(per),
        note: `${setting}; ${describe(per)}`,
      },
      {
        figure: 'many workspaces: idle cycle (no new rows)',
        value: Math.round(per.idle.ms),
        baseline: Math.round(per.idle.boundMs),
        unit: 'ms',
        ratio: r(per.idle.boundMs / per.idle.ms),
        note: `reported, no target; the baseline is the same bound for the idle cycle's queries; every healthy workspace done after ${Math.round(per.idle.healthyMs)} ms`,
      },
      {
        figure: 'many workspaces, cross-workspace queries: first cycle vs per-workspace queries',
        value: Math.round(cross.first.ms),
        baseline: Math.round(per.first.ms),
        unit: 'ms',
        ratio: r(per.first.ms / cross.first.ms),
        target: 'faster than per-workspace (ratio > 1), 0 lost or doubled',
        holds: cross.first.ms < per.first.ms && sound(cross),
        note: `CROSS_WORKSPACE_QUERIES=true, one latency draw per query whatever it spans; ${describe(cross)}`,
      },
      {
        figure: 'many workspaces, cross-workspace queries: idle cycle vs per-workspace queries',
        value: Math.round(cross.idle.ms),
        baseline: Math.round(per.idle.ms),
        unit: 'ms',
        ratio: r(per.idle.ms / cross.idle.ms),
        note: `reported, no target; every healthy workspace done after ${Math.round(cross.idle.healthyMs)} ms (the cycle waits for the throttled one's Retry-After)`,
      },
    ];
  },
};

if (require.main === module) runAlone(manyWorkspaces);
