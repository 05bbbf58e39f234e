import type { Assignment, Op } from '../ast';
import { compileExpr } from '../compile/scalar';
import { constValue, newCtx } from '../compile/context';
import { exprName } from '../compile/naming';
import { errorAt } from '../errors';
import { arrayEntries, scopeOf, type Env, type Rel } from '../engine/relation';
import type { Column } from '../types';
import { Timespan, valueKey } from '../values';
import { summarize } from './summarize';

type MakeSeriesOp = Extract<Op, { k: 'make-series' }>;

/** More bins than this is almost surely a step mistaken for another unit. */
const MAX_BINS = 100_000;
const BIN = '$bin';

/**
 * make-series Agg = f(x) [default = d], ... on Axis [from a] [to b] step s [by Col, ...]:
 * one row per group, each aggregate an array with one element per step-wide bin of [a, b)
 * (empty bins hold the default, 0 unless given), and Axis the array of the bins' starts.
 * Without from/to, the bins span the data's own first and last axis values.
 */
export function makeSeries(input: Rel, op: MakeSeriesOp, env: Env): Rel {
  const scope = scopeOf(arrayEntries(input.columns), env);
  const axis = compileExpr(op.axis, scope);
  const axisName = exprName(op.axis);
  if (axisName === '') throw errorAt('make-series: the axis after on must be a column', op.pos);
  if (axis.type !== 'datetime' && axis.type !== 'int' && axis.type !== 'long' && axis.type !== 'real') {
    throw errorAt(`make-series: the axis ${axisName} must be a datetime or a number, not ${axis.type}`, op.pos);
  }
  const isTime = axis.type === 'datetime';
  const constant = (e: NonNullable<MakeSeriesOp['from']>, what: string): number => {
    const c = compileExpr(e, scopeOf([], env));
    const v = c.isConst ? constValue(c) : undefined;
    const n = v instanceof Date ? v.getTime() : v instanceof Timespan ? v.ms : typeof v === 'number' ? v : undefined;
    if (n === undefined || !Number.isFinite(n))
      throw errorAt(
        `make-series: ${what} must be a constant ${what === 'step' ? (isTime ? 'timespan' : 'number') : isTime ? 'datetime' : 'number'}`,
        e.pos,
      );
    return n;
  };
  const step = constant(op.step, 'step');
  if (step <= 0) throw errorAt('make-series: step must be positive', op.step.pos);

  // The axis value of each row, as a number (ms for datetimes).
  const c = newCtx();
  const at: (number | null)[] = input.rows.map((row, i) => {
    c.base = row;
    c.i = i;
    const v = axis.ev(c);
    return v instanceof Date ? v.getTime() : typeof v === 'number' ? v : null;
  });
  const present = at.filter((x): x is number => x !== null);
  const start = op.from ? constant(op.from, 'from') : present.length > 0 ? Math.floor(Math.min(...present) / step) * step : 0;
  const end = op.to ? constant(op.to, 'to') : present.length > 0 ? Math.floor(Math.max(...present) / step) * step + step : start;
  const bins = Math.max(0, Math.ceil((end - start) / step));
  if (bins > MAX_BINS) throw errorAt(`make-series would make ${bins} bins (at most ${MAX_BINS}); check from, to and step`, op.pos);

  const binned: Rel = { columns: [...input.columns, { name: BIN, type: 'long' }], rows: [], ingest: null };
  input.rows.forEach((row, i) => {
    const x = at[i];
    if (x === null || x < start || x >= end) return;
    binned.rows.push([...(row as unknown[]), Math.floor((x - start) / step)]);
  });
  const binRef: Assignment = { name: BIN, expr: { k: 'name', name: BIN, pos: op.pos }, pos: op.pos };
  const grouped = summarize(binned, { k: 'summarize', aggs: op.aggs.map((a) => a.agg), by: [...op.by, binRef], pos: op.pos }, env);

  const byCount = op.by.length;
  const aggColumns = grouped.columns.slice(byCount + 1);
  if (aggColumns.length !== op.aggs.length) throw errorAt('make-series: each aggregate must give one value per bin', op.pos);
  const defaults = op.aggs.map((a) => {
    if (a.default === undefined) return 0;
    const d = compileExpr(a.default, scopeOf([], env));
    if (!d.isConst) throw errorAt('make-series: default must be a constant', a.default.pos);
    return constValue(d);
  });
  const series = new Map<string, { key: unknown[]; arrays: unknown[][] }>();
  for (const row of grouped.rows) {
    const key = row.slice(0, byCount);
    const k = key.map(valueKey).join('\u0001');
    let entry = series.get(k);
    if (entry === undefined) {
      entry = { key, arrays: defaults.map((d) => new Array<unknown>(bins).fill(d)) };
      series.set(k, entry);
    }
    const bin = row[byCount] as number;
    entry.arrays.forEach((arr, j) => (arr[bin] = row[byCount + 1 + j] ?? defaults[j]));
  }
  const axisValues = Array.from({ length: bins }, (_, b) => (isTime ? new Date(start + b * step).toISOString() : start + b * step));
  const columns: Column[] = [
    ...grouped.columns.slice(0, byCount).map((col) => ({ ...col })),
    ...aggColumns.map((col) => ({ name: col.name, type: 'dynamic' as const })),
    { name: axisName, type: 'dynamic' },
  ];
  const rows = [...series.values()].map((s) => [...s.key, ...s.arrays, [...axisValues]]);
  return { columns, rows, ingest: null };
}
