import type { PollOutcome } from '../poller/poller';
import type { Metrics } from './metrics';

/** Counts what a run found wrong with its data, beside the run's own outcome. */
export function observePollFindings(metrics: Metrics, detection: string, outcomes: readonly PollOutcome[]): void {
  for (const o of outcomes) {
    if (o.enrichmentUnavailable !== undefined) metrics.enrichmentUnavailable.inc({ detection, workspace: o.workspace });
    if (o.ok && o.late !== undefined && o.late.hits > 0) {
      metrics.lateHits.inc({ detection, workspace: o.workspace, alerted: String(o.late.alerted) }, o.late.hits);
    }
  }
}
