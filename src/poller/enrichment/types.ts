import type { NewAlert } from '../../alerts/types';
import type { QuerySource } from '../../workspace/query-source';
import type { TableCatalog } from '../../workspace/table-catalog';

/** What an enrichment step hands back: every alert it was given, and why it could not run when it could not. */
export interface EnrichmentResult {
  alerts: NewAlert[];
  /** Set when the step could not run: each alert's target says so ("target unknown: …"). */
  unavailable?: string;
}

/**
 * A step a detection file names (`firstwatch.enrichment`) that adds what the
 * hit itself does not say. It may query the workspace; it must not drop hits,
 * and a failure of its own is reported in the result, never thrown.
 */
export interface Enricher {
  readonly name: string;
  /** Tables the step reads, for `doctor`. */
  readonly tables: readonly string[];
  /** With `tables`, a step whose table the workspace lacks says so without querying it. */
  enrich(alerts: NewAlert[], source: QuerySource, tables?: TableCatalog): Promise<EnrichmentResult>;
}
