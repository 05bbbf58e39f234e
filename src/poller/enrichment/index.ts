import { AzureVmTargetEnricher } from './azure-vm-target';
import type { Enricher } from './types';

export type { Enricher, EnrichmentResult } from './types';

const ENRICHERS: Record<string, () => Enricher> = {
  'azure-vm-target': () => new AzureVmTargetEnricher(),
};

export const enricherNames = Object.keys(ENRICHERS);

/** The enrichment step a detection names; an unknown name is a configuration error. */
export function enricherFor(name: string): Enricher {
  const make = ENRICHERS[name];
  if (make === undefined) {
    throw new Error(`unknown enrichment '${name}' (known: ${enricherNames.join(', ')})`);
  }
  return make();
}
