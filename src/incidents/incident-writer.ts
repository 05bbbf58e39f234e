import type { AlertStore } from '../store/alert-store';
import type { IncidentSyncStore, IncidentWriteJob } from '../store/incident-sync-store';
import type { OutboxStore } from '../store/outbox-store';
import { backoffMs } from '../delivery/backoff';
import type { Clock } from '../time/clock';
import type { SentinelIncidentsClient } from './arm-client';
import { IncidentApiError } from './errors';
import { applyIncidentState } from './portal-follower';
import { writeBack, type WriteBackOutcome } from './write-back';

export interface IncidentWriterOptions {
  store: AlertStore & IncidentSyncStore & Pick<OutboxStore, 'queueReplies'>;
  /** The incidents client for a FirstWatch workspace name; undefined when that workspace does not write back. */
  clientFor: (workspace: string) => SentinelIncidentsClient | undefined;
  clock: Clock;
  batch?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  /** Told what each settled write did (logs: the portal side changing). */
  onWritten?: (job: IncidentWriteJob, outcome: WriteBackOutcome) => void;
}

export interface WriterPass {
  written: number;
  retried: number;
  failed: number;
}

const REASON_TEXT: Record<string, string> = {
  'portal-closed': 'Sentinel: this incident was closed in the portal meanwhile; FirstWatch did not reopen it.',
};

/**
 * Drains owed incident write-backs: one claim per pass, each job written with
 * writeBack (etag, re-read on conflict), then settled in the store. A job that
 * crashes mid-way is claimed again when its lease runs out; writeBack writes
 * state, not events, so the second run changes nothing the first already did.
 */
export class IncidentWriter {
  private readonly batch: number;

  constructor(private readonly options: IncidentWriterOptions) {
    this.batch = options.batch ?? 20;
  }

  async runOnce(): Promise<WriterPass> {
    const { store, clock } = this.options;
    const pass: WriterPass = { written: 0, retried: 0, failed: 0 };
    const jobs = await store.claimDueIncidentWrites(clock(), this.batch);
    for (const job of jobs) {
      const client = this.options.clientFor(job.workspace);
      const alert = await store.getAlert(job.alertId);
      if (!client || !alert) {
        await store.markIncidentWriteFailed(
          job.alertId,
          job.version,
          client ? 'the alert is gone' : `workspace ${job.workspace} has no incident write-back configured`,
        );
        pass.failed++;
        continue;
      }
      let outcome: WriteBackOutcome;
      try {
        outcome = await writeBack(client, job.incidentName, alert);
      } catch (err) {
        const kind = err instanceof IncidentApiError ? err.kind : 'transient';
        const message = err instanceof Error ? err.message : String(err);
        if (kind === 'transient' || kind === 'conflict') {
          const wait = Math.max(
            err instanceof IncidentApiError ? (err.retryAfterMs ?? 0) : 0,
            backoffMs(job.attempts, this.options.retryBaseMs ?? 5_000, this.options.retryMaxMs ?? 600_000, this.options.random),
          );
          await store.markIncidentWriteRetry(job.alertId, message, new Date(clock().getTime() + wait));
          pass.retried++;
        } else {
          await store.markIncidentWriteFailed(job.alertId, alert.version, message);
          await store.queueReplies(job.alertId, `Sentinel write-back failed (${kind}): ${message}`);
          pass.failed++;
        }
        continue;
      }
      // The alert may have moved on while we wrote; only the version written is settled.
      await store.markIncidentWritten(
        job.alertId,
        alert.version,
        outcome.kind === 'superseded' ? `superseded: ${outcome.reason}` : outcome.kind,
      );
      if (outcome.kind === 'superseded') {
        await store.queueReplies(job.alertId, REASON_TEXT[outcome.reason] ?? `Sentinel: ${outcome.reason}`);
        // The portal's word stands: the card follows it rather than keep a state Sentinel does not have.
        await applyIncidentState({ store, workspace: job.workspace, incident: outcome.incident, now: clock(), force: true });
      }
      this.options.onWritten?.(job, outcome);
      pass.written++;
    }
    return pass;
  }
}
