import { Timespan } from '../../../src/kql';

/**
 * One conformance check: a query over inline data, the reference page whose documented
 * behaviour it pins, and the exact result Kusto gives (column names and types, then rows).
 */
export interface ResultCase {
  /** Page under data-explorer/kusto/query/ in MicrosoftDocs/dataexplorer-docs. */
  ref: string;
  /** What the case shows, read as a specification. */
  spec: string;
  query: string;
  columns: string[];
  rows: unknown[][];
  /** Where the reference is silent or ambiguous: what we chose and why. */
  choice?: string;
  /** Microsoft's analyzer types some results differently from what Kusto returns; the reason. */
  analyzerDiffers?: string;
}

/** A construct the engine does not run: it must fail with an error naming it and its position. */
export interface RefusalCase {
  ref: string;
  spec: string;
  query: string;
  /** The error must match this (construct named, then " at line:column"). */
  error: RegExp;
}

export type ConformanceCase = ResultCase | RefusalCase;

export function isRefusal(c: ConformanceCase): c is RefusalCase {
  return 'error' in c;
}

/** Builds result cases compactly: ok(ref, spec, query, columns, rows). */
export function ok(
  ref: string,
  spec: string,
  query: string,
  columns: string[],
  rows: unknown[][],
  extra: Partial<ResultCase> = {},
): ResultCase {
  return { ref, spec, query, columns, rows, ...extra };
}

export function refuses(ref: string, spec: string, query: string, error: RegExp): RefusalCase {
  return { ref, spec, query, error };
}

/** `print` of one expression: a single column print_0 of the given type holding one value. */
export function scalar(ref: string, spec: string, expr: string, type: string, value: unknown, extra: Partial<ResultCase> = {}): ResultCase {
  return ok(ref, spec, `print ${expr}`, [`print_0:${type}`], [[value]], extra);
}

export const dt = (s: string): Date => new Date(s);
export const ts = (text: string): Timespan => {
  const m = /^(-)?(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text);
  if (!m) throw new Error(`bad timespan in a test: ${text}`);
  const ticks =
    (Number(m[2] ?? 0) * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])) * 10_000_000 + Number((m[6] ?? '').padEnd(7, '0'));
  return Timespan.fromTicks(m[1] ? -ticks : ticks);
};
