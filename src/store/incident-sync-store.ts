/**
 * Sentinel incident write-backs as an outbox. An alert linked to an incident
 * owes the incident a write whenever its version is newer than the version last
 * written; the debt is read from the alert itself, so the transition that
 * creates it needs no second insert and a crash in between loses nothing.
 * Claims are leased like deliveries.
 */
export interface IncidentWriteJob {
  alertId: string;
  /** The FirstWatch workspace name the incident lives in. */
  workspace: string;
  /** The incident's ARM name (its GUID). */
  incidentName: string;
  /** The alert version to write (the alert's version when claimed). */
  version: number;
  /** Claims so far for this link. */
  attempts: number;
}

export interface IncidentLink {
  alertId: string;
  workspace: string;
  incidentName: string;
  /** The newest alert version written (or given up on); 0 before any. */
  writtenVersion: number;
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  /** What the last write did: written, unchanged, superseded: portal-closed, ... */
  lastOutcome?: string;
}

export interface IncidentSyncStore {
  /**
   * Links an alert to the Sentinel incident it was raised from. The alert's
   * version at linking counts as written (nothing to write back yet). Linking
   * again is a no-op; linking to another incident is an error.
   */
  linkIncident(alertId: string, workspace: string, incidentName: string): Promise<void>;
  /** The alert raised from this incident, if one was. */
  alertForIncident(workspace: string, incidentName: string): Promise<string | undefined>;
  getIncidentLink(alertId: string): Promise<IncidentLink | undefined>;
  /** Links whose alert changed since the last write and whose retry is due, leased for `leaseMs` (default 60 s). */
  claimDueIncidentWrites(now: Date, limit: number, leaseMs?: number): Promise<IncidentWriteJob[]>;
  /** `version` is written (never moves backwards); the lease is released. */
  markIncidentWritten(alertId: string, version: number, outcome: string): Promise<void>;
  markIncidentWriteRetry(alertId: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** A permanent failure for `version` (forbidden, invalid): not retried until the alert changes again. */
  markIncidentWriteFailed(alertId: string, version: number, error: string): Promise<void>;
}
