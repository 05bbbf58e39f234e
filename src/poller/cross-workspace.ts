import type { QueryLimiter } from './query-limiter';
import { QueryError, type QueryResult, type QuerySource, type TimeRange } from '../workspace/query-source';

/** A source that can take part in one query over several workspaces (LogAnalyticsSource). */
export interface SpanningSource extends QuerySource {
  readonly workspaceId: string;
  /** Sources with the same endpoint (and so the same identity) can share a query. */
  readonly endpoint: string;
  query(kql: string, timespan: TimeRange, options?: { signal?: AbortSignal; additionalWorkspaces?: string[] }): Promise<QueryResult>;
}

export interface CrossWorkspaceOptions {
  /** Most workspaces one query spans (Azure Monitor: 100). */
  maxWorkspaces?: number;
  /** How long a query waits for the same query from other workspaces before it goes; default 20 ms. */
  gatherMs?: number;
  /** The identity's limiter: one shared query is one request. */
  limiter?: QueryLimiter;
  /** Told of every shared query: how many workspaces it spanned, and why it was run per workspace instead, if it was. */
  onQuery?: (event: { workspaces: number; fallback?: string }) => void;
}

interface Caller {
  source: SpanningSource;
  signal?: AbortSignal;
  resolve: (result: QueryResult) => void;
  reject: (err: unknown) => void;
}

interface Group {
  kql: string;
  timespan: TimeRange;
  callers: Caller[];
}

/** Most workspaces one cross-workspace query may span in Azure Monitor. */
export const MAX_SPANNED_WORKSPACES = 100;

/**
 * Runs the same query text over the same time range, asked by several workspaces at about
 * the same moment, as one query over all of them (`additionalWorkspaces`), and gives each
 * workspace back its own rows by their TenantId (the workspace id on every Log Analytics row).
 *
 * It pays where queries are many and small: a 200-workspace poll becomes a few requests
 * instead of hundreds within 200 per 30 s. Where it cannot apply it steps aside, so a workspace
 * never fares worse than alone: a result without a TenantId column (the rule projected it
 * away) or any failure other than a 429 reruns the query once per workspace, and a rule whose
 * rows cannot be split is not tried again.
 */
export class CrossWorkspaceQueries {
  private readonly maxWorkspaces: number;
  private readonly gatherMs: number;
  private readonly pending = new Map<string, Group>();
  /** Query texts (times left out) whose results carried no TenantId. */
  private readonly unsplittable = new Set<string>();
  /** Workspaces whose last query alone failed (gone, forbidden): they stay out of shared queries until one succeeds. */
  private readonly failing = new Set<string>();

  constructor(private readonly options: CrossWorkspaceOptions = {}) {
    this.maxWorkspaces = options.maxWorkspaces ?? MAX_SPANNED_WORKSPACES;
    if (!Number.isSafeInteger(this.maxWorkspaces) || this.maxWorkspaces < 2 || this.maxWorkspaces > MAX_SPANNED_WORKSPACES)
      throw new Error(`cross-workspace maxWorkspaces must be an integer 2..${MAX_SPANNED_WORKSPACES}, got ${this.maxWorkspaces}`);
    this.gatherMs = options.gatherMs ?? 20;
    if (!Number.isFinite(this.gatherMs) || this.gatherMs < 0)
      throw new Error(`cross-workspace gatherMs must be >= 0, got ${this.gatherMs}`);
  }

  /** `source` with its queries joined to other workspaces' identical ones; a source that cannot span goes through the limiter alone. */
  wrap(source: QuerySource): QuerySource {
    if (!isSpanning(source)) return this.options.limiter?.wrap(source) ?? source;
    return {
      name: source.name,
      query: (kql, timespan, options) => this.join(source, kql, timespan, options?.signal),
    };
  }

  private join(source: SpanningSource, kql: string, timespan: TimeRange, signal: AbortSignal | undefined): Promise<QueryResult> {
    if (this.unsplittable.has(shapeOf(kql)) || this.failing.has(idOf(source))) return this.alone(source, kql, timespan, signal);
    const key = `${source.endpoint}\n${timespan.start.getTime()}\n${timespan.end.getTime()}\n${kql}`;
    return new Promise<QueryResult>((resolve, reject) => {
      let group = this.pending.get(key);
      if (group === undefined) {
        group = { kql, timespan, callers: [] };
        this.pending.set(key, group);
        const flush = (): void => {
          if (this.pending.get(key) === group) this.pending.delete(key);
          void this.run(group as Group);
        };
        if (this.gatherMs === 0) setImmediate(flush);
        else setTimeout(flush, this.gatherMs);
      }
      group.callers.push({ source, ...(signal ? { signal } : {}), resolve, reject });
      // A full group goes at once; the next caller starts a new one.
      if (group.callers.length >= this.maxWorkspaces && this.pending.get(key) === group) this.pending.delete(key);
    });
  }

  private async run(group: Group): Promise<void> {
    const { kql, timespan } = group;
    // The same workspace asking twice (two detections with one text) is one member that gets the rows twice.
    const byId = new Map<string, Caller[]>();
    for (const c of group.callers)
      byId.set(c.source.workspaceId.toLowerCase(), [...(byId.get(c.source.workspaceId.toLowerCase()) ?? []), c]);
    const members = [...byId.values()];
    if (members.length === 1) {
      for (const c of group.callers) this.alone(c.source, kql, timespan, c.signal).then(c.resolve, c.reject);
      return;
    }
    const primary = (members[0] as Caller[])[0] as Caller;
    const others = members.slice(1).map((m) => (m[0] as Caller).source.workspaceId);
    const signals = group.callers.flatMap((c) => (c.signal ? [c.signal] : []));
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    const work = (): Promise<QueryResult> =>
      primary.source.query(kql, timespan, { additionalWorkspaces: others, ...(signal ? { signal } : {}) });
    let result: QueryResult;
    try {
      const lane = `${primary.source.name} +${others.length} workspaces`;
      result = await (this.options.limiter ? this.options.limiter.run(lane, work) : work());
    } catch (err) {
      if (err instanceof QueryError && err.kind === 'throttled') {
        this.options.onQuery?.({ workspaces: members.length, fallback: 'throttled' });
        for (const c of group.callers) c.reject(err);
        return;
      }
      // One workspace's failure (gone, forbidden) or a result too large for one query must not hold back the rest.
      this.options.onQuery?.({ workspaces: members.length, fallback: err instanceof Error ? err.message : String(err) });
      for (const c of group.callers) this.alone(c.source, kql, timespan, c.signal).then(c.resolve, c.reject);
      return;
    }
    if (result.rows.length > 0 && !result.columns.some((c) => c.name === 'TenantId')) {
      this.unsplittable.add(shapeOf(kql));
      this.options.onQuery?.({ workspaces: members.length, fallback: 'the rows carry no TenantId' });
      for (const c of group.callers) this.alone(c.source, kql, timespan, c.signal).then(c.resolve, c.reject);
      return;
    }
    this.options.onQuery?.({ workspaces: members.length });
    const rowsOf = new Map<string, Record<string, unknown>[]>([...byId.keys()].map((id) => [id, []]));
    for (const row of result.rows) rowsOf.get(String(row.TenantId ?? '').toLowerCase())?.push(row);
    for (const [id, callers] of byId) {
      for (const c of callers) {
        c.resolve({
          columns: result.columns,
          rows: rowsOf.get(id) ?? [],
          ...(result.warnings ? { warnings: result.warnings } : {}),
        });
      }
    }
  }

  private async alone(source: SpanningSource, kql: string, timespan: TimeRange, signal: AbortSignal | undefined): Promise<QueryResult> {
    const work = (): Promise<QueryResult> => source.query(kql, timespan, signal ? { signal } : {});
    try {
      const result = await (this.options.limiter ? this.options.limiter.run(source.name, work) : work());
      this.failing.delete(idOf(source));
      return result;
    } catch (err) {
      // A workspace that cannot be queried would fail every shared query it joined.
      if (err instanceof QueryError && (err.kind === 'not-found' || err.kind === 'forbidden')) this.failing.add(idOf(source));
      throw err;
    }
  }
}

function idOf(source: SpanningSource): string {
  return source.workspaceId.toLowerCase();
}

function isSpanning(source: QuerySource): source is SpanningSource {
  const s = source as Partial<SpanningSource>;
  return typeof s.workspaceId === 'string' && typeof s.endpoint === 'string';
}

/** The query text without its datetime literals: one rule's text from run to run. */
function shapeOf(kql: string): string {
  return kql.replace(/datetime\([^)]*\)/g, 'datetime()');
}
