import { QueryError, type QuerySource } from './query-source';

/** The tables a fuzzy union's warnings say did not resolve ("'union' operator: Failed to resolve table expression named 'X'"). */
export function unresolvedTables(messages: readonly string[] | undefined): string[] {
  const names = (messages ?? [])
    .map((w) => /Failed to resolve table (?:or column )?expression named '([^']{1,200})'/.exec(w)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

/** Of the tables asked about, which the workspace has and which it lacks, in the order asked. */
export interface TableSight {
  present: string[];
  missing: string[];
}

export interface TableCatalogOptions {
  /** How long what was learned of a workspace holds before it is asked again; default 1 h. */
  refreshMs?: number;
  now?: () => number;
}

interface Learned {
  at: number;
  has: Map<string, boolean>;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** The probe reads no rows; the window only has to be valid. */
const PROBE_SPAN_MS = 60_000;

/**
 * Which of the tables FirstWatch reads each workspace has, learned with one
 * cheap query (a fuzzy union of `take 0` legs: the service names each leg that
 * does not resolve) and refreshed hourly, or at once when a query meets a
 * table the catalog thought was there. The hunt and the enrichment query only
 * what is present and say what was missing, instead of failing on it.
 */
export class TableCatalog {
  private readonly learned = new Map<string, Learned>();
  private readonly refreshMs: number;
  private readonly now: () => number;
  /** Probes sent (for tests and logs). */
  probes = 0;

  constructor(options: TableCatalogOptions = {}) {
    this.refreshMs = options.refreshMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  async tables(source: QuerySource, wanted: readonly string[], options: { signal?: AbortSignal } = {}): Promise<TableSight> {
    for (const t of wanted) if (!TABLE_NAME.test(t)) throw new Error(`not a table name: ${JSON.stringify(t)}`);
    let entry = this.learned.get(source.name);
    if (entry !== undefined && this.now() - entry.at >= this.refreshMs) entry = undefined;
    const unknown = wanted.filter((t) => entry?.has.get(t) === undefined);
    if (unknown.length > 0) {
      const missing = await this.probe(source, unknown, options.signal);
      if (entry === undefined) {
        entry = { at: this.now(), has: new Map() };
        this.learned.set(source.name, entry);
      }
      for (const t of unknown) entry.has.set(t, !missing.includes(t));
    }
    const has = (entry as Learned).has;
    return { present: wanted.filter((t) => has.get(t) === true), missing: wanted.filter((t) => has.get(t) === false) };
  }

  /** A query met a table the catalog had as present (or the reverse): learn the workspace again at its next use. */
  forget(sourceName: string): void {
    this.learned.delete(sourceName);
  }

  private async probe(source: QuerySource, tables: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
    this.probes++;
    const end = new Date(this.now());
    const span = { start: new Date(end.getTime() - PROBE_SPAN_MS), end };
    const query = `union isfuzzy=true ${tables.map((t) => `(${t} | take 0)`).join(', ')}`;
    try {
      const result = await source.query(query, span, signal !== undefined ? { signal } : {});
      return unresolvedTables(result.warnings);
    } catch (err) {
      // Kusto refuses a fuzzy union none of whose legs resolve: every table asked is missing.
      if (err instanceof QueryError && err.kind === 'bad-query' && /at least one operand|Failed to resolve/i.test(err.message))
        return [...tables];
      throw err;
    }
  }
}
