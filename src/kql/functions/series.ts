import { call, constValue, type Compiled, type FunctionImpl } from '../compile/context';
import { errorAt, type Pos } from '../errors';
import { toNumber } from '../operators/coerce';
import { arity } from './args';

/**
 * The series_* functions rules pair with make-series. A series is a dynamic array of numbers;
 * elements that are not numbers count as missing (null in, null out).
 *
 * Functions with several outputs (series_decompose_anomalies, series_decompose, series_fit_line)
 * are written `extend (a, b, c) = f(...)`; the parser turns each name into one of the outputs.
 */

type Series = (number | null)[];

function seriesOf(v: unknown): Series | null {
  if (!Array.isArray(v)) return null;
  return v.map((x) => (typeof x === 'number' ? x : toNumber(x)));
}

function numbers(s: Series): number[] {
  return s.filter((x): x is number => x !== null && Number.isFinite(x));
}

/** Least-squares line through (i, s[i]) over the present points. */
function lineFit(s: Series): { slope: number; intercept: number; rsquare: number; variance: number; rvariance: number; line: number[] } {
  const pts = s.map((y, x) => [x, y] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  const n = pts.length;
  if (n === 0) return { slope: 0, intercept: 0, rsquare: 0, variance: 0, rvariance: 0, line: s.map(() => 0) };
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, y]) => a + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const line = s.map((_, x) => intercept + slope * x);
  const variance = n > 1 ? pts.reduce((a, [, y]) => a + (y - my) ** 2, 0) / (n - 1) : 0;
  const rvariance = n > 1 ? pts.reduce((a, [x, y]) => a + (y - (line[x] as number)) ** 2, 0) / (n - 1) : 0;
  const rsquare = variance === 0 ? 1 : 1 - rvariance / variance;
  return { slope, intercept, rsquare, variance, rvariance, line };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Linear-interpolated percentile of sorted values, p in [0, 100]. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

/** Autocorrelation at lag p over the present values. */
function autocorrelation(xs: number[], p: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += ((xs[i] as number) - m) ** 2;
    if (i + p < xs.length) num += ((xs[i] as number) - m) * ((xs[i + p] as number) - m);
  }
  return den === 0 ? 0 : num / den;
}

/** seasonality -1: the period with the strongest autocorrelation, if it passes the threshold; else none. */
function detectPeriod(s: Series, threshold: number): number {
  const xs = s.map((x) => x ?? 0);
  let best = 0;
  let bestScore = threshold;
  for (let p = 2; p <= Math.floor(xs.length / 2); p++) {
    const r = autocorrelation(xs, p);
    if (r > bestScore) {
      best = p;
      bestScore = r;
    }
  }
  return best;
}

/** series_decompose: baseline = seasonal + trend, residual = series − baseline. */
function decompose(
  s: Series,
  seasonality: number,
  trend: string,
  pos: Pos,
): { baseline: number[]; seasonal: number[]; trend: number[]; residual: (number | null)[] } {
  let trendLine: number[];
  if (trend === 'linefit') trendLine = lineFit(s).line;
  else if (trend === 'avg') trendLine = s.map(() => mean(numbers(s)));
  else if (trend === 'none') trendLine = s.map(() => 0);
  else throw errorAt(`unknown trend '${trend}' (linefit, avg or none)`, pos);
  const period = seasonality < 0 ? detectPeriod(s, 0.6) : seasonality;
  const detrended = s.map((x, i) => (x === null ? null : x - (trendLine[i] as number)));
  const seasonal = s.map(() => 0);
  if (period >= 2) {
    for (let phase = 0; phase < period; phase++) {
      const vals: number[] = [];
      for (let i = phase; i < s.length; i += period) if (detrended[i] !== null) vals.push(detrended[i] as number);
      const m = mean(vals);
      for (let i = phase; i < s.length; i += period) seasonal[i] = m;
    }
  }
  const baseline = s.map((_, i) => (seasonal[i] as number) + (trendLine[i] as number));
  const residual = s.map((x, i) => (x === null ? null : x - (baseline[i] as number)));
  return { baseline, seasonal, trend: trendLine, residual };
}

/** Tukey's fence test; ctukey uses the 10th–90th percentile range (series_outliers). */
function outlierScores(s: Series, kind: string, pos: Pos): (number | null)[] {
  const [lo, hi] =
    kind === 'ctukey'
      ? [10, 90]
      : kind === 'tukey'
        ? [25, 75]
        : (() => {
            throw errorAt(`unknown outlier kind '${kind}' (tukey or ctukey)`, pos);
          })();
  const sorted = numbers(s).sort((a, b) => a - b);
  const q1 = percentile(sorted, lo);
  const q3 = percentile(sorted, hi);
  const iqr = q3 - q1;
  return s.map((x) => {
    if (x === null) return null;
    if (x > q3) return iqr === 0 ? (x === q3 ? 0 : Infinity) : (x - q3) / iqr;
    if (x < q1) return iqr === 0 ? -Infinity : (x - q1) / iqr;
    return 0;
  });
}

const finite = (x: number | null): number | null =>
  x === null || !Number.isFinite(x) ? (x === null ? null : x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE) : x;

function constArg<T>(args: Compiled[], i: number, fallback: T, name: string, pos: Pos): T {
  const a = args[i];
  if (a === undefined) return fallback;
  if (!a.isConst) throw errorAt(`${name}(): argument ${i + 1} must be a constant`, pos);
  const v = constValue(a);
  return v === null ? fallback : (v as T);
}

/** Each multi-output function, returning its outputs as one array (item i is output i). */
export const TUPLE_FUNCTIONS: Record<string, { outputs: string[]; impl: FunctionImpl }> = {
  series_decompose_anomalies: {
    outputs: ['ad_flag', 'ad_score', 'baseline'],
    impl: (args, pos) => {
      arity('series_decompose_anomalies', args, pos, 1, 7);
      const threshold = Number(constArg(args, 1, 1.5, 'series_decompose_anomalies', pos));
      const seasonality = Number(constArg(args, 2, -1, 'series_decompose_anomalies', pos));
      const trend = String(constArg(args, 3, 'linefit', 'series_decompose_anomalies', pos));
      const kind = String(constArg(args, 5, 'ctukey', 'series_decompose_anomalies', pos));
      return call([args[0] as Compiled], 'dynamic', (v) => {
        const s = seriesOf(v);
        if (s === null) return null;
        const d = decompose(s, seasonality, trend, pos);
        const scores = outlierScores(d.residual, kind, pos);
        const flags = scores.map((x) => (x === null ? null : x > threshold ? 1 : x < -threshold ? -1 : 0));
        return [flags, scores.map(finite), d.baseline];
      });
    },
  },
  series_decompose: {
    outputs: ['baseline', 'seasonal', 'trend', 'residual'],
    impl: (args, pos) => {
      arity('series_decompose', args, pos, 1, 4);
      const seasonality = Number(constArg(args, 1, -1, 'series_decompose', pos));
      const trend = String(constArg(args, 2, 'linefit', 'series_decompose', pos));
      return call([args[0] as Compiled], 'dynamic', (v) => {
        const s = seriesOf(v);
        if (s === null) return null;
        const d = decompose(s, seasonality, trend, pos);
        return [d.baseline, d.seasonal, d.trend, d.residual];
      });
    },
  },
  series_fit_line: {
    outputs: ['rsquare', 'slope', 'variance', 'rvariance', 'interception', 'line_fit'],
    impl: (args, pos) => {
      arity('series_fit_line', args, pos, 1);
      return call(args, 'dynamic', (v) => {
        const s = seriesOf(v);
        if (s === null) return null;
        const f = lineFit(s);
        return [f.rsquare, f.slope, f.variance, f.rvariance, f.intercept, f.line];
      });
    },
  },
};

/** Single-output series functions. */
export const SERIES_FUNCTIONS: Record<string, FunctionImpl> = {
  series_outliers: (args, pos) => {
    arity('series_outliers', args, pos, 1, 5);
    const kind = String(constArg(args, 1, 'ctukey', 'series_outliers', pos));
    return call([args[0] as Compiled], 'dynamic', (v) => {
      const s = seriesOf(v);
      return s === null ? null : outlierScores(s, kind, pos).map(finite);
    });
  },
  series_stats_dynamic: (args, pos) => {
    arity('series_stats_dynamic', args, pos, 1, 2);
    return call([args[0] as Compiled], 'dynamic', (v) => {
      const s = seriesOf(v);
      if (s === null) return null;
      const xs = numbers(s);
      const m = mean(xs);
      const variance = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
      const min = xs.length > 0 ? Math.min(...xs) : null;
      const max = xs.length > 0 ? Math.max(...xs) : null;
      return {
        min,
        min_idx: min === null ? null : s.indexOf(min),
        max,
        max_idx: max === null ? null : s.indexOf(max),
        avg: xs.length > 0 ? m : null,
        stdev: Math.sqrt(variance),
        variance,
      };
    });
  },
  series_fill_const: (args, pos) => {
    arity('series_fill_const', args, pos, 1, 3);
    return call(args.slice(0, 2), 'dynamic', (v, c) => {
      const s = seriesOf(v);
      return s === null ? null : s.map((x) => x ?? (c === undefined || c === null ? 0 : c));
    });
  },
  series_fill_forward: (args, pos) => {
    arity('series_fill_forward', args, pos, 1, 2);
    return call([args[0] as Compiled], 'dynamic', (v) => {
      const s = seriesOf(v);
      if (s === null) return null;
      let last: number | null = null;
      return s.map((x) => (x === null ? last : (last = x)));
    });
  },
};
