import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRunQuery, hitToAlert, loadDetections } from '../src/detections';
import { compileQuery } from '../src/kql';
import { openSqliteStore } from '../src/store';
import { PAGE_CACHE_KIB } from '../src/store/sqlite/connection';
import { generateBehaviorAnalytics } from '../src/workspace';
import { type Bench, type BenchFigure, runAlone } from './types';

const HITS = 10_000;
/** Alternating pipeline and bare runs: with 7 the median still moved by about a fifth between runs. */
const ROUNDS = 11;
const NOW = new Date('2026-11-27T12:00:00Z');
const TARGETS = [
  { platform: 'slack' as const, target: 'C0SOC' },
  { platform: 'teams' as const, target: 'soc-alerts' },
];

/** 10,000 result rows of the first-time Run Command rule, as one poll would return them. */
function hitRows(): Record<string, unknown>[] {
  const detection = loadDetections(path.join(__dirname, '../detections')).find((d) => d.slug === 'first-time-runcommand');
  if (detection === undefined) throw new Error('first-time-runcommand.yaml not found');
  const batch = generateBehaviorAnalytics(HITS, { now: NOW, hitEvery: 1, spanHours: 1 });
  const run = buildRunQuery(detection, { ingestStart: new Date(NOW.getTime() - 3 * 3_600_000), ingestEnd: NOW });
  const result = compileQuery(run.query).run(
    { getTable: (n) => (n === 'BehaviorAnalytics' ? batch : undefined) },
    { now: NOW, timespan: run.timespan },
  );
  return result.rows.map((cells) => Object.fromEntries(result.columns.map((c, i) => [c.name, cells[i]])));
}

/** Wall time, and the CPU time this process spent (user + system). */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timer(): () => Timing {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  };
}

function tempFile(name: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fw-bench-'));
  return { file: path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * hitToAlert for every row, then one recordPoll: alerts, two deliveries each, watermark, one commit.
 *
 * Where a hit's time went (CPU profile and per-phase timers, Nov 2026, shared 2-core VM; µs/hit):
 * - schema 3 (~55 µs, 5.1-5.5x bare): SQLite ~40 of it. Every insert rebuilt a temporary
 *   b-tree per CHECK (x IN ('a','b','c')) (5 per hit, ~9 µs), alerts had 6 b-trees and 29
 *   bound columns, each delivery was its own statement.
 * - schema 4 (migration 0004) and the changes after it (~33-40 µs, 3.0-3.3x): hitToAlert ~6
 *   plus ~3 of garbage collection (10,000 alerts kept until the poll is stored); in recordPoll
 *   JSON.stringify of the alert body ~4.5 (1.7 KB of JSON against the baseline's 0.7 KB), alert
 *   inserts ~5.5, the deliveries (one INSERT ... SELECT) ~3, commit with its WAL checkpoint ~7
 *   (about 6,200 pages against the baseline's 2,250), garbage collection ~2.5, checks ~1.
 *   What was left scaled with the bytes stored per alert: two 1.9 KB rows filled a 4 KB page.
 * - body_format 1 (migration 0010, ~48-53 µs, 2.8-2.9x): a body names the object keys and rule
 *   texts it repeats by id (compact-json.ts); 0.95 KB per alert, four to a page, so the table is
 *   about 2,500 pages instead of 5,000. Encoding costs some of that back: it makes one array per
 *   object, and garbage collection rose from about 9 % of the run to 11 %.
 * - the same, by timers around each phase (Dec 2026, Node 20; ms per 10,000 hits, about 400 in
 *   all against the bare inserts' 155): hitToAlert 111 (its row copy 12, fingerprint 12); the
 *   alert inserts 77; the deliveries' one statement 41; the other work under the write lock about 110
 *   (the body's encoding, the checks, the returned alerts); the commit 63. Scavenges take 45–80
 *   of it, since every alert of the poll survives to the end. Leaving out the row copy costs
 *   more than it saves (its Dates then take the store's JSON round trip); a 16 MiB page cache
 *   or a 64 MiB young generation changes nothing. In 2 of 11 runs on 3 Dec every pair sat about
 *   a tenth higher than in the others, and the median landed just over 3× (3.03, 3.09).
 */
async function timePipeline(rows: Record<string, unknown>[]): Promise<Timing> {
  const detection = loadDetections(path.join(__dirname, '../detections')).find((d) => d.slug === 'first-time-runcommand');
  if (detection === undefined) throw new Error('first-time-runcommand.yaml not found');
  const { file, cleanup } = tempFile('pipeline.db');
  const store = openSqliteStore(file);
  try {
    const started = timer();
    const alerts = rows.map((row) => hitToAlert(detection, row, 'bench'));
    const created = await store.recordPoll({ workspace: 'bench', detectionId: detection.id, watermark: NOW, alerts, targets: TARGETS });
    const timing = started();
    if (created.length !== rows.length) throw new Error(`expected ${rows.length} alerts, stored ${created.length}`);
    return timing;
  } finally {
    await store.close();
    cleanup();
  }
}

/** Pages of 4 KB the alerts table takes for `rows` stored as one poll (SQLite's dbstat), to show the bytes behind the ratio. */
async function alertPages(rows: Record<string, unknown>[]): Promise<number> {
  const detection = loadDetections(path.join(__dirname, '../detections')).find((d) => d.slug === 'first-time-runcommand');
  if (detection === undefined) throw new Error('first-time-runcommand.yaml not found');
  const { file, cleanup } = tempFile('pages.db');
  try {
    const store = openSqliteStore(file);
    await store.recordPoll({
      workspace: 'bench',
      detectionId: detection.id,
      watermark: NOW,
      alerts: rows.map((row) => hitToAlert(detection, row, 'bench')),
      targets: TARGETS,
    });
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS pages FROM dbstat WHERE name = 'alerts'").get() as { pages: number }).pages;
    } finally {
      db.close();
    }
  } finally {
    cleanup();
  }
}

/** The floor: the same rows as JSON into two plain tables, one transaction, prepared statements. */
function timeBareInserts(rows: Record<string, unknown>[]): Timing {
  const { file, cleanup } = tempFile('bare.db');
  const db = new Database(file);
  try {
    // The store's own settings, so the ratio is what FirstWatch adds and not a difference in durability or cache.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.exec('CREATE TABLE alerts (id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE, body TEXT)');
    db.exec('CREATE TABLE deliveries (id INTEGER PRIMARY KEY, alert_id INTEGER, platform TEXT, target TEXT)');
    const insertAlert = db.prepare('INSERT INTO alerts (fingerprint, body) VALUES (?, ?)');
    const insertDelivery = db.prepare('INSERT INTO deliveries (alert_id, platform, target) VALUES (?, ?, ?)');
    const started = timer();
    db.transaction(() => {
      rows.forEach((row, i) => {
        const info = insertAlert.run(String(row.SourceRecordId ?? i), JSON.stringify(row));
        for (const t of TARGETS) insertDelivery.run(info.lastInsertRowid, t.platform, t.target);
      });
    })();
    return started();
  } finally {
    db.close();
    cleanup();
  }
}

export const pipelineCost: Bench = {
  name: 'pipeline cost per hit',
  async run(): Promise<BenchFigure[]> {
    const rows = hitRows();
    // Warm up both paths once at full size (after 500 rows the first pair was still usually the
    // highest), then alternate them, so a busy moment on the shared machine lands on a pair rather
    // than on one side; the figure is the median of the pairs' ratios.
    await timePipeline(rows);
    timeBareInserts(rows);
    const pipeline: Timing[] = [];
    const bare: Timing[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      pipeline.push(await timePipeline(rows));
      bare.push(timeBareInserts(rows));
    }
    const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const cpuRatios = pipeline.map((p, i) => p.cpuMs / (bare[i] as Timing).cpuMs);
    const wallRatios = pipeline.map((p, i) => p.wallMs / (bare[i] as Timing).wallMs);
    const ratio = mid(wallRatios);
    const perHit = (mid(pipeline.map((p) => p.wallMs)) * 1000) / rows.length;
    const basePerHit = (mid(bare.map((b) => b.wallMs)) * 1000) / rows.length;
    const pages = await alertPages(rows);
    return [
      {
        figure: `pipeline: ${rows.length} hits → stored alerts + ${TARGETS.length} deliveries each`,
        value: round(perHit),
        baseline: round(basePerHit),
        unit: 'µs/hit',
        ratio: round(ratio),
        target: '≤ 3× bare inserts',
        holds: ratio <= 3,
        note:
          `median of ${ROUNDS} alternating pairs' wall-clock ratios (${wallRatios.map(round).join(', ')}); ` +
          `the same pairs by this process's CPU time (the bare inserts' commit waits on fsync, which CPU time leaves out): ${cpuRatios.map(round).join(', ')} (median ${round(mid(cpuRatios))}); ` +
          `the alerts table: ${pages} pages of 4 KB for ${rows.length} alerts; ` +
          'baseline: the same rows as JSON through prepared SQLite inserts in one transaction',
      },
    ];
  },
};

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (require.main === module) runAlone(pipelineCost);
