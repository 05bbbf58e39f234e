/** One line of `npm run bench`: a figure beside the baseline measured in the same run. */
export interface BenchFigure {
  figure: string;
  value: number;
  baseline: number;
  unit: string;
  /** value / baseline, or baseline / value when lower is better: always "1.0 = as good as the baseline". */
  ratio: number;
  /** Target for the ratio, when the issue sets one. */
  target?: string;
  holds?: boolean;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchFigure[]>;
}

/** `npx tsx bench/<file>.ts`: runs one benchmark alone and prints its figures. */
export function runAlone(bench: Bench): void {
  bench
    .run()
    .then((figures) => {
      for (const f of figures) console.log(JSON.stringify(f, null, 2));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
