import type { PollOutcome } from '../poller/poller';
import type { Metrics } from './metrics';

/** Counts what a run found wrong with its data, beside the run's own outcome. */
export function observePollFindings(metrics: Metrics, detection: string, outcomes: readonly PollOutcome[]): void {
  for (const o of outcomes) {
    if (o.enrichmentUnavailable !== undefined) metrics.enrichmentUnavailable.inc({ detection, workspace: o.workspace });
  }
}
