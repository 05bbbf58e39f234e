import type { Alert } from './types';

/**
 * Alerts raised from a Sentinel incident (rather than from a rule FirstWatch runs) carry this
 * detection id; their fingerprint is the incident's name, and the stored row keeps it as
 * `IncidentName`, from which the card builds the incident's portal link.
 */
export const SENTINEL_INCIDENT_DETECTION_ID = 'sentinel-incident';

const NAME = /^[A-Za-z0-9-]{1,64}$/;

/** The incident an alert was raised from, when it was raised from one. */
export function incidentNameOf(alert: Pick<Alert, 'detectionId' | 'raw'>): string | undefined {
  if (alert.detectionId !== SENTINEL_INCIDENT_DETECTION_ID) return undefined;
  const name = alert.raw.IncidentName;
  return typeof name === 'string' && NAME.test(name) ? name : undefined;
}
