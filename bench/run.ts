import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deliveryEfficiency } from './delivery-efficiency';
import { engineScan } from './engine-scan';
import { footprint } from './footprint';
import { huntOverhead } from './hunt-overhead';
import { interactionLatency } from './interaction-latency';
import { manyWorkspaces } from './many-workspaces';
import { nrtLatency } from './nrt-latency';
import { pipelineCost } from './pipeline-cost';
import { seriesAnomaly } from './series-anomaly';
import { sharedSendBudget } from './shared-send-budget';
import type { Bench, BenchFigure } from './types';

/** Every benchmark, one table, and bench/results.json. Figures are ratios against a baseline measured in the same run. */
const BENCHES: Bench[] = [
  engineScan,
  seriesAnomaly,
  pipelineCost,
  huntOverhead,
  deliveryEfficiency,
  interactionLatency,
  footprint,
  manyWorkspaces,
  sharedSendBudget,
  nrtLatency,
];
const ONE = '--one';
const FIGURES_MARK = 'bench-figures: ';

/** Each benchmark in a fresh process of its own, so one's heap and threads cannot land in another's figures. */
function runIsolated(bench: Bench): BenchFigure[] {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, ONE, bench.name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(FIGURES_MARK));
  if (child.status !== 0 || line === undefined)
    throw new Error(`${bench.name} failed (exit ${child.status ?? child.signal}):\n${child.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(FIGURES_MARK.length)) as BenchFigure[];
}

async function main(): Promise<void> {
  if (process.argv[2] === ONE) {
    const bench = BENCHES.find((b) => b.name === process.argv[3]);
    if (bench === undefined) throw new Error(`no benchmark named ${process.argv[3]}`);
    process.stdout.write(`${FIGURES_MARK}${JSON.stringify(await bench.run())}\n`);
    return;
  }
  const only = process.argv.slice(2);
  const selected = only.length === 0 ? BENCHES : BENCHES.filter((b) => only.some((o) => b.name.includes(o)));
  const figures: BenchFigure[] = [];
  for (const bench of selected) {
    process.stderr.write(`running: ${bench.name}\n`);
    figures.push(...runIsolated(bench));
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const rows = figures.map((f) => ({
    figure: f.figure,
    value: `${f.value} ${f.unit}`,
    baseline: `${f.baseline} ${f.unit}`,
    ratio: f.ratio,
    target: f.target ?? '',
    holds: f.holds === undefined ? '' : f.holds ? 'yes' : 'no',
  }));
  console.table(rows);
  console.log(machine);
  writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, figures }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
