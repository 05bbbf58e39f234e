/**
 * NRT latency: the whole application (buildApp + runApp: schedule, poller, store, outbox,
 * dispatcher, console platform) runs one `kind: NRT` rule every minute against a local
 * workspace server on loopback, and rows are added to that workspace while it runs. Each
 * row's latency is from the moment it became queryable (added, with that ingestion time) to
 * the moment its card was written. 50 rows are spread over four minutes (BENCH_NRT_ROWS,
 * BENCH_NRT_SPREAD_SECONDS), so every minute's run picks some up.
 *
 * The least possible is the wait for the next minute's run (0–60 s, 30 s on average), so the
 * baseline shown is that wait alone, measured for the same rows; target: max ≤ 90 s.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app/build';
import { runApp } from '../src/app/run';
import { loadConfig } from '../src/config';
import type { Table } from '../src/kql/types';
import { silentLogger } from '../src/logging/logger';
import { startWorkspaceServer } from '../src/workspace';
import { type Bench, type BenchFigure, runAlone } from './types';

const TARGET_MAX_S = 90;

const RULE = `id: 0000ba11-0000-4000-8000-00000000000e
name: Bench NRT rule
description: Any row of BenchNrt, within a minute.
severity: Medium
tactics: []
relevantTechniques: []
query: |
  BenchNrt
  | project TimeGenerated, Target
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: Target
kind: NRT
`;

function positiveEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const nrtLatency: Bench = {
  name: 'nrt-latency',
  async run(): Promise<BenchFigure[]> {
    const count = positiveEnv('BENCH_NRT_ROWS', 50);
    const spreadMs = positiveEnv('BENCH_NRT_SPREAD_SECONDS', 240) * 1000;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-bench-nrt-'));
    await writeFile(path.join(dir, 'nrt.yaml'), RULE);
    // The table the workspace serves; a row pushed here is queryable from that moment.
    const table: Table & { ingestionTimes: Date[] } = {
      name: 'BenchNrt',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Target', type: 'string' },
      ],
      rows: [],
      ingestionTimes: [],
    };
    const server = await startWorkspaceServer({
      source: { getTable: (name) => (name === 'BenchNrt' ? table : undefined) },
      workspaceId: '0000ba11-0000-4000-8000-0000000000ff',
    });
    const added = new Map<number, number>();
    const posted = new Map<number, number>();
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const at = Date.now();
        for (const m of chunk.toString('utf8').matchAll(/nrt-(\d+)@bench\.example/g)) {
          const i = Number(m[1]);
          if (!posted.has(i)) posted.set(i, at);
        }
        done();
      },
    });
    const config = loadConfig(
      {
        DETECTIONS_DIR: dir,
        SQLITE_PATH: path.join(dir, 'fw.db'),
        TEAMS_PLAYGROUND: 'false',
        CONSOLE_OUTPUT: 'true',
        WORKSPACES: 'nrt',
        WORKSPACE_NRT_ID: '0000ba11-0000-4000-8000-0000000000ff',
        WORKSPACE_NRT_ENDPOINT: server.url,
        PORT: '0',
        POLL_OVERLAP: '2m',
        INGESTION_DELAY_ALLOWANCE: '10m',
        LOG_LEVEL: 'silent',
      },
      { envFile: false },
    );
    const app = await buildApp(config, { logger: silentLogger(), consoleOut: out });
    const running = await runApp(app);
    try {
      await running.caughtUp;
      const t0 = Date.now();
      for (let i = 0; i < count; i++) {
        // Spread evenly, so the rows land at every point of the minute.
        const due = t0 + Math.round((i * spreadMs) / count);
        if (due > Date.now()) await sleep(due - Date.now());
        const now = new Date();
        table.rows.push({ TimeGenerated: new Date(now.getTime() - 1000), Target: `nrt-${i}@bench.example` });
        table.ingestionTimes.push(now);
        added.set(i, now.getTime());
      }
      const giveUp = Date.now() + 3 * 60_000;
      while (posted.size < count && Date.now() < giveUp) await sleep(500);
    } finally {
      await running.stop();
      await app.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
    const latencies: number[] = [];
    const waits: number[] = [];
    for (const [i, at] of added) {
      const p = posted.get(i);
      if (p !== undefined) latencies.push((p - at) / 1000);
      // The next whole minute after the row was added: when the schedule's run starts.
      waits.push((Math.ceil(at / 60_000) * 60_000 - at) / 1000);
    }
    latencies.sort((a, b) => a - b);
    waits.sort((a, b) => a - b);
    const lost = count - latencies.length;
    const max = latencies.length > 0 ? (latencies[latencies.length - 1] as number) : Infinity;
    const median = latencies.length > 0 ? quantile(latencies, 0.5) : Infinity;
    const r = (n: number): number => Math.round(n * 10) / 10;
    return [
      {
        figure: `NRT: row queryable → card posted, median of ${count} rows`,
        value: r(median),
        baseline: r(quantile(waits, 0.5)),
        unit: 's',
        ratio: r(median / quantile(waits, 0.5)),
        note: 'baseline: the wait for the next minute’s run alone, for the same rows',
      },
      {
        figure: `NRT: row queryable → card posted, max of ${count} rows`,
        value: r(max),
        baseline: r(waits[waits.length - 1] as number),
        unit: 's',
        ratio: r(max / (waits[waits.length - 1] as number)),
        target: `max ≤ ${TARGET_MAX_S} s, none lost`,
        holds: max <= TARGET_MAX_S && lost === 0,
        note: `${lost} of ${count} rows not posted within 3 min of the last one`,
      },
    ];
  },
};

if (require.main === module) runAlone(nrtLatency);
