import type { Actor, Alert, AlertStatus, Classification } from '../alerts/types';
import type { AlertStore } from '../store/alert-store';
import type { IncidentSyncStore } from '../store/incident-sync-store';
import type { SentinelIncidentsClient } from './arm-client';
import type { Incident, IncidentClassification } from './types';

/** Changes that came from the Sentinel portal act under this actor; write-back never echoes them. */
export const PORTAL_ACTOR_ID = 'sentinel-portal';

export function portalActor(incident: Incident): Actor {
  const owner = incident.properties.owner;
  const who = owner?.userPrincipalName ?? owner?.email ?? owner?.assignedTo;
  return {
    platform: 'system',
    id: PORTAL_ACTOR_ID,
    displayName: who ? `Sentinel portal (${who})` : 'Sentinel portal',
    ...(who ? { email: who } : {}),
  };
}

const FROM_SENTINEL: Record<IncidentClassification, Classification | null> = {
  TruePositive: 'true_positive',
  BenignPositive: 'benign_positive',
  FalsePositive: 'false_positive',
  Undetermined: null,
};

export interface PortalPass {
  /** Alerts moved to follow the portal. */
  applied: string[];
  /** Read from here next time (the newest lastModifiedTimeUtc seen). */
  watermark: Date;
}

/** The alert change that makes it agree with the incident, or undefined when it already does. */
function changeFor(
  alert: Alert,
  incident: Incident,
): { to: AlertStatus; action: 'acknowledge' | 'resolve' | 'reopen'; classification?: Classification | null } | undefined {
  const p = incident.properties;
  if (p.status === 'Closed') {
    const classification = p.classification ? FROM_SENTINEL[p.classification] : null;
    if (alert.status === 'resolved' && (alert.classification ?? null) === classification) return undefined;
    return { to: 'resolved', action: 'resolve', classification };
  }
  if (p.status === 'Active') {
    if (alert.status === 'open') return { to: 'acknowledged', action: 'acknowledge' };
    if (alert.status === 'resolved') return { to: 'acknowledged', action: 'reopen', classification: null };
  }
  return undefined;
}

/**
 * Moves the alert linked to this incident to match it; returns the alert id when it moved.
 * While a decision made in chat is still owed to the incident (not yet written back), the
 * incident's older state does not undo it: the writer reconciles the two (and, when the
 * portal's close stands, applies it with `force`).
 */
export async function applyIncidentState(input: {
  store: AlertStore & IncidentSyncStore;
  workspace: string;
  incident: Incident;
  now: Date;
  force?: boolean;
  /**
   * When the incident was in this state (a SecurityIncident record's LastModifiedTime): a record
   * older than the alert's last change is stale (it may arrive after later ones) and changes nothing.
   */
  recordedAt?: Date;
}): Promise<string | undefined> {
  const { store, workspace, incident, now } = input;
  const alertId = await store.alertForIncident(workspace, incident.name);
  const alert = alertId === undefined ? undefined : await store.getAlert(alertId);
  if (!alert) return undefined;
  if (input.force !== true && input.recordedAt !== undefined && input.recordedAt < alert.updatedAt) return undefined;
  const change = changeFor(alert, incident);
  if (!change) return undefined;
  if (input.force !== true && alert.lastChange?.actor.id !== PORTAL_ACTOR_ID) {
    const link = await store.getIncidentLink(alert.id);
    if (link !== undefined && link.writtenVersion < alert.version) return undefined;
  }
  const actor = portalActor(incident);
  const result = await store.transition({
    alertId: alert.id,
    action: change.action,
    from: [alert.status],
    ifVersion: alert.version,
    to: change.to,
    ...(change.classification !== undefined ? { classification: change.classification } : {}),
    change: { action: change.action, actor, at: now, ...(change.classification ? { classification: change.classification } : {}) },
    audit: {
      at: now,
      actor,
      action: change.action,
      origin: `sentinel:${workspace}`,
      detail: `incident ${incident.name} is ${incident.properties.status} in Sentinel`,
    },
    replyText: `${incident.properties.status === 'Closed' ? 'Closed' : 'Made active'} in the Sentinel portal${actor.email ? ` by ${actor.email}` : ''}.`,
  });
  return result.ok ? alert.id : undefined;
}

/**
 * Reads incidents changed in Sentinel since `since` and moves their alerts to
 * match (closed there → resolved here, with the classification; active there →
 * acknowledged here). A transition bumps the alert's version, so the
 * dispatcher redraws every copy of the card as it does for a chat action.
 */
export async function followPortalChanges(input: {
  client: SentinelIncidentsClient;
  store: AlertStore & IncidentSyncStore;
  workspace: string;
  since: Date;
  now: Date;
}): Promise<PortalPass> {
  const { client, store, workspace, since, now } = input;
  const changed = await client.list({
    filter: `properties/lastModifiedTimeUtc gt ${since.toISOString()}`,
    orderBy: 'properties/lastModifiedTimeUtc asc',
  });
  const applied: string[] = [];
  let watermark = since;
  for (const incident of changed) {
    const modified = new Date(incident.properties.lastModifiedTimeUtc ?? since.toISOString());
    if (modified > watermark) watermark = modified;
    const alertId = await applyIncidentState({ store, workspace, incident, now });
    if (alertId !== undefined) applied.push(alertId);
  }
  return { applied, watermark };
}
