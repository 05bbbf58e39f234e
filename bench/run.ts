import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deliveryEfficiency } from './delivery-efficiency';
import { engineScan } from './engine-scan';
import { footprint } from './footprint';
import { huntOverhead } from './hunt-overhead';
import { interactionLatency } from './interaction-latency';
import { pipelineCost } from './pipeline-cost';
import type { Bench, BenchFigure } from './types';

/** Every benchmark, one table, and bench/results.json. Figures are ratios against a baseline measured in the same run. */
const BENCHES: Bench[] = [engineScan, pipelineCost, huntOverhead, deliveryEfficiency, interactionLatency, footprint];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length === 0 ? BENCHES : BENCHES.filter((b) => only.some((o) => b.name.includes(o)));
  const figures: BenchFigure[] = [];
  for (const bench of selected) {
    process.stderr.write(`running: ${bench.name}\n`);
    figures.push(...(await bench.run()));
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
  writeFileSync(
    path.join(__dirname, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, figures }, null, 2) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
