import type { NewAlert } from '../../alerts/types';
import type { QuerySource } from '../../workspace/query-source';

/**
 * A step a detection file names (`firstwatch.enrichment`) that adds what the
 * hit itself does not say. It may query the workspace; it must not drop hits.
 */
export interface Enricher {
  readonly name: string;
  enrich(alerts: NewAlert[], source: QuerySource): Promise<NewAlert[]>;
}
