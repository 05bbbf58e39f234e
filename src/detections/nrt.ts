/**
 * Sentinel's near-real-time rules (`kind: NRT`) as published: no queryFrequency,
 * queryPeriod or trigger, because Sentinel runs them every minute over what was
 * ingested since the last run and alerts on any row.
 */
export const NRT_CRON = '* * * * *';

/** The look-back an NRT rule's fields are validated with (the scheduled format's shortest). */
const NRT_PERIOD = '5m';

export function isNrt(raw: Record<string, unknown>): boolean {
  return raw.kind === 'NRT';
}

/** The rule's fields with what an NRT rule leaves out filled in, so the scheduled-rule schema can check the rest. */
export function withNrtDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  if (!isNrt(raw)) return raw;
  return {
    queryFrequency: NRT_PERIOD,
    queryPeriod: NRT_PERIOD,
    triggerOperator: 'gt',
    triggerThreshold: 0,
    ...raw,
    kind: 'Scheduled',
  };
}
