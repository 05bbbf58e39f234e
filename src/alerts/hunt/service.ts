/**
 * Runs `/hunt`: one query per workspace (all of them, merged), bounded concurrency, a
 * short cache of identical hunts, a timeout, and an audit line for every request.
 */
import type { CommandContext, HuntRequest, HuntRunner } from '../commands';
import type { QueryResult, QuerySource } from '../../workspace/query-source';
import type { Alert, AuditEntry, HuntReport } from '../types';
import { ShortCache } from './cache';
import { describeQueryFailure, HuntError, seconds } from './errors';
import { BUSY_MESSAGE, ConcurrencyLimiter } from './limiter';
import { buildHuntQuery, checkLookback, formatTimespanLiteral, HUNT_SOURCES, type HuntSource } from './query';
import { ALERT_COUNT_LIMIT, assembleReport } from './report';
import { addRows, emptyAggregate } from './rows';
import { validateUpn } from './upn';
import { realTimeout, untilAborted } from '../../time/timeout';
import { systemClock, type Clock } from '../../time/clock';

/** The part of the Store a hunt uses. */
export interface HuntStore {
  findAlertsBySubject(upn: string, limit: number): Promise<Alert[]>;
  appendAudit(entry: AuditEntry): Promise<unknown>;
}

export interface HuntLimits {
  /** Workspace queries running at once across all hunts (Log Analytics allows 5 per identity). Default 5. */
  maxConcurrency?: number;
  /** Queries allowed to wait for a slot; beyond it a hunt is refused as busy. Default 50. */
  maxQueued?: number;
  /** How long an identical hunt (same UPN and look-back) is answered from memory. Default 60. */
  cacheSeconds?: number;
  /** Whole-hunt time limit, waiting included. Default 60 000. */
  timeoutMs?: number;
  /** Longest look-back accepted. Default (and ceiling) 90 days. */
  maxLookbackMs?: number;
}

/** How long one hunt spent where; for metrics and the overhead bench. */
export interface HuntTiming {
  upn: string;
  cached: boolean;
  /** Longest wait for a query slot. */
  queuedMs: number;
  /** Longest time inside QuerySource.query. */
  queryMs: number;
  totalMs: number;
  outcome: 'allowed' | 'refused' | 'failed';
}

/** What each workspace's tables are, learned once and refreshed (workspace/table-catalog.ts). */
export interface HuntTables {
  tables(
    source: QuerySource,
    wanted: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<{ present: string[]; missing: string[] }>;
  /** A query met a table the list did not expect: learn the workspace again. */
  forget(sourceName: string): void;
}

export interface HuntServiceOptions {
  sources: QuerySource[];
  /** Without it every table is hunted through a fuzzy union and the service's warnings name the missing ones. */
  tables?: HuntTables;
  store: HuntStore;
  clock?: Clock;
  limits?: HuntLimits;
  links?: { tenantId?: string; workspaceResourceId?: string };
  /** Called once per hunt, after it settles (metrics); a hook that throws is ignored. */
  onTiming?: (timing: HuntTiming) => void;
}

interface Execution {
  report: HuntReport;
  queuedMs: number;
  queryMs: number;
}

const DEFAULTS = { maxConcurrency: 5, maxQueued: 50, cacheSeconds: 60, timeoutMs: 60_000, maxLookbackMs: 90 * 86_400_000 };

/** How much of a refused input the audit line keeps: enough to recognise, never a flood. */
function auditSnippet(value: unknown): string {
  const s = JSON.stringify(typeof value === 'string' ? value : String(value)) ?? '';
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

export class HuntService implements HuntRunner {
  private readonly sources: QuerySource[];
  private readonly store: HuntStore;
  private readonly clock: Clock;
  private readonly limits: Required<HuntLimits>;
  private readonly links: { tenantId?: string; workspaceResourceId?: string };
  private readonly limiter: ConcurrencyLimiter;
  private readonly cache: ShortCache<Execution>;
  private readonly onTiming?: (timing: HuntTiming) => void;
  private readonly tables: HuntTables | undefined;

  constructor(options: HuntServiceOptions) {
    if (!options || !Array.isArray(options.sources) || options.sources.length === 0) {
      throw new Error('HuntService needs at least one workspace QuerySource');
    }
    for (const s of options.sources) {
      if (!s || typeof s.query !== 'function' || typeof s.name !== 'string')
        throw new Error('every hunt source must be a QuerySource with a name');
    }
    const names = options.sources.map((s) => s.name);
    if (new Set(names).size !== names.length) throw new Error(`hunt workspace names must be distinct, got ${names.join(', ')}`);
    if (!options.store || typeof options.store.findAlertsBySubject !== 'function' || typeof options.store.appendAudit !== 'function') {
      throw new Error('HuntService needs a store with findAlertsBySubject and appendAudit');
    }
    const limits = { ...DEFAULTS, ...stripUndefined(options.limits ?? {}) };
    if (!Number.isFinite(limits.cacheSeconds) || limits.cacheSeconds < 0)
      throw new Error(`cacheSeconds must be ≥ 0, got ${limits.cacheSeconds}`);
    if (!Number.isInteger(limits.timeoutMs) || limits.timeoutMs < 1)
      throw new Error(`timeoutMs must be a whole number ≥ 1, got ${limits.timeoutMs}`);
    checkLookback(limits.maxLookbackMs);
    this.tables = options.tables;
    this.sources = [...options.sources];
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.limits = limits;
    this.links = { ...options.links };
    this.limiter = new ConcurrencyLimiter(limits.maxConcurrency, limits.maxQueued);
    this.cache = new ShortCache<Execution>(limits.cacheSeconds * 1000);
    this.onTiming = options.onTiming;
  }

  async run(request: HuntRequest, ctx: CommandContext): Promise<HuntReport> {
    const t0 = performance.now();
    if (!ctx || typeof ctx.origin !== 'string' || !ctx.actor || typeof ctx.actor.id !== 'string') {
      throw new HuntError('invalid', 'a hunt needs to know who asked and from where');
    }
    const timing = (outcome: HuntTiming['outcome'], upn: string, cached: boolean, e?: Execution): void => {
      try {
        this.onTiming?.({ upn, cached, outcome, queuedMs: e?.queuedMs ?? 0, queryMs: e?.queryMs ?? 0, totalMs: performance.now() - t0 });
      } catch {
        // A timing hook (metrics) never costs the hunt its answer.
      }
    };

    let upn: string;
    let lookbackMs: number;
    try {
      ({ upn, lookbackMs } = this.validate(request));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.audit(ctx, 'refused', `hunt for ${auditSnippet(request?.upn)} refused: ${message}`, request?.alertId);
      timing('refused', '', false);
      throw new HuntError('invalid', message);
    }

    const what = `hunt for ${upn} over ${formatTimespanLiteral(lookbackMs)}`;
    const key = `${upn}\u0000${lookbackMs}`;
    let execution = this.cache.get(key, this.clock().getTime());
    const cached = execution !== undefined;
    if (!execution) {
      if (!this.limiter.canAccept(this.sources.length)) {
        const busy = new HuntError('busy', BUSY_MESSAGE);
        await this.audit(ctx, 'failed', `${what} failed: ${busy.message}`, request.alertId);
        timing('failed', upn, false);
        throw busy;
      }
      execution = this.execute(upn, lookbackMs);
      this.cache.set(key, execution, () => this.clock().getTime());
    }

    let result: Execution;
    try {
      result = await execution;
    } catch (e) {
      const failure = e instanceof HuntError ? e : describeQueryFailure(e, this.sources[0].name, this.sources.length > 1);
      await this.audit(ctx, 'failed', `${what} failed: ${failure.message}`, request.alertId);
      timing('failed', upn, cached);
      throw failure;
    }
    const r = result.report;
    await this.audit(
      ctx,
      'allowed',
      `${what}: ${r.totalEvents} events, ${r.alerts.length} alerts, ${r.workspaces.length} workspace(s)${cached ? ', answered from an identical recent hunt' : ''}`,
      request.alertId,
    );
    timing('allowed', upn, cached, cached ? undefined : result);
    // Each caller gets its own copy: a cached report is shared.
    return structuredClone(r);
  }

  private validate(request: HuntRequest): { upn: string; lookbackMs: number } {
    if (!request || typeof request !== 'object') throw new Error('the hunt request is missing');
    const checked = validateUpn(request.upn);
    if (!checked.ok) throw new Error(checked.reason);
    const upn = checked.upn;
    const lookbackMs = request.lookbackMs;
    checkLookback(lookbackMs);
    if (lookbackMs > this.limits.maxLookbackMs) {
      throw new Error(
        `the look-back may be at most ${formatTimespanLiteral(this.limits.maxLookbackMs)}, got ${formatTimespanLiteral(lookbackMs)}`,
      );
    }
    if (request.alertId !== undefined && (typeof request.alertId !== 'string' || !/^[A-Za-z0-9-]{1,40}$/.test(request.alertId))) {
      throw new Error('the hunt request names a malformed alert id');
    }
    return { upn, lookbackMs };
  }

  private async execute(upn: string, lookbackMs: number): Promise<Execution> {
    const { timeoutMs } = this.limits;
    const controller = new AbortController();
    const deadline = realTimeout(timeoutMs);
    const onDeadline = (): void => controller.abort(new HuntError('timeout', `the hunt timed out after ${seconds(timeoutMs)}`));
    deadline.addEventListener('abort', onDeadline, { once: true });
    const guarded = <T>(p: Promise<T>): Promise<T> => untilAborted(p, controller.signal);

    try {
      const query = buildHuntQuery(upn, lookbackMs);
      const now = this.clock();
      const timespan = { start: new Date(now.getTime() - lookbackMs), end: now };
      const multiple = this.sources.length > 1;
      let queuedMs = 0;
      let queryMs = 0;

      const alerts = guarded(this.store.findAlertsBySubject(upn, ALERT_COUNT_LIMIT)).catch((e: unknown) => {
        if (controller.signal.aborted) throw controller.signal.reason;
        throw new HuntError('store', `could not read FirstWatch alerts for ${upn}: ${e instanceof Error ? e.message : String(e)}`);
      });
      alerts.catch(() => undefined);

      const results = await Promise.all(
        this.sources.map(async (source): Promise<QueryResult & { missing: string[] }> => {
          const queuedAt = performance.now();
          try {
            return await guarded(
              this.limiter.run(async () => {
                const started = performance.now();
                queuedMs = Math.max(queuedMs, started - queuedAt);
                try {
                  return await this.queryPresent(source, upn, lookbackMs, query, timespan, controller.signal);
                } finally {
                  queryMs = Math.max(queryMs, performance.now() - started);
                }
              }, controller.signal),
            );
          } catch (e) {
            const failure = controller.signal.aborted ? controller.signal.reason : describeQueryFailure(e, source.name, multiple);
            // One workspace failing fails the hunt: a report silently missing a workspace would mislead.
            controller.abort(failure);
            throw failure;
          }
        }),
      );

      const aggregate = emptyAggregate();
      results.forEach((r, i) => addRows(aggregate, r.rows, this.sources[i].name));
      const missingTables = results.flatMap((r, i) => r.missing.map((t) => (multiple ? `${t} in ${this.sources[i].name}` : t)));
      const report = assembleReport({
        upn,
        lookbackMs,
        now,
        workspaces: this.sources.map((s) => s.name),
        query,
        aggregate,
        // A hunt over some workspaces shows only their alerts: workspaces are a boundary.
        alerts: (await alerts).filter((a) => this.sources.some((s) => s.name === a.workspace)),
        links: this.links,
        missingTables,
      });
      return { report, queuedMs, queryMs };
    } finally {
      deadline.removeEventListener('abort', onDeadline);
    }
  }

  /**
   * The hunt over the tables this workspace has (all of them without a table list). A table
   * that vanished since the list was learned still only warns (the union is fuzzy) and the
   * list is learned again; no table at all is an empty answer, not a failure.
   */
  private async queryPresent(
    source: QuerySource,
    upn: string,
    lookbackMs: number,
    everyTable: string,
    timespan: { start: Date; end: Date },
    signal: AbortSignal,
  ): Promise<QueryResult & { missing: string[] }> {
    const catalog = this.tables;
    let query = everyTable;
    let known: string[] = [];
    if (catalog !== undefined) {
      const sight = await catalog.tables(source, HUNT_SOURCES, { signal });
      known = sight.missing;
      const present = HUNT_SOURCES.filter((t: HuntSource) => sight.present.includes(t));
      if (present.length === 0) return { columns: [], rows: [], missing: known };
      query = buildHuntQuery(upn, lookbackMs, present);
    }
    const result = await source.query(query, timespan, { signal });
    const vanished = missingTablesOf(result.warnings);
    if (vanished.length > 0) catalog?.forget(source.name);
    return { ...result, missing: HUNT_SOURCES.filter((t) => known.includes(t) || vanished.includes(t)) };
  }

  private async audit(ctx: CommandContext, outcome: AuditEntry['outcome'], detail: string, alertId: string | undefined): Promise<void> {
    const entry: AuditEntry = { at: this.clock(), actor: ctx.actor, action: 'hunt', outcome, detail, origin: ctx.origin };
    if (typeof alertId === 'string' && /^[A-Za-z0-9-]{1,40}$/.test(alertId)) entry.alertId = alertId;
    try {
      await this.store.appendAudit(entry);
    } catch (e) {
      // An unrecorded hunt is not served: every action is attributable.
      throw new HuntError('store', `could not record the hunt in the audit log: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The tables a fuzzy union's warnings say did not resolve ("'union' operator: Failed to resolve table expression named 'X'"). */
function missingTablesOf(warnings: readonly string[] | undefined): string[] {
  const names = (warnings ?? [])
    .map((w) => /Failed to resolve table (?:or column )?expression named '([^']{1,200})'/.exec(w)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}
