import { SENTINEL_INCIDENT_DETECTION_ID } from '../alerts/incident-origin';
import type { AlertEntity, NewAlert } from '../alerts/types';
import type { IncidentAlertRecord, IncidentRecord } from './incident-rows';

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.trim() !== ''))];
}

function entityKey(e: AlertEntity): string {
  return `${e.type}|${JSON.stringify(Object.entries(e.fields).sort())}`;
}

/** The account the incident is about: the first Account entity with a UPN-like name. */
function subjectOf(entities: AlertEntity[]): NewAlert['subject'] {
  for (const e of entities) {
    if (e.type !== 'Account') continue;
    const f = e.fields;
    const upn = f.UPN ?? f.FullName ?? (f.Name && f.UPNSuffix ? `${f.Name}@${f.UPNSuffix}` : undefined);
    if (upn === undefined && f.AadUserId === undefined) continue;
    return {
      ...(upn !== undefined ? { upn } : {}),
      ...(f.DisplayName !== undefined ? { displayName: f.DisplayName } : {}),
      ...(f.AadUserId !== undefined ? { aadObjectId: f.AadUserId } : {}),
    };
  }
  return {};
}

/**
 * A Sentinel incident as a FirstWatch alert: the incident's title, severity,
 * status and owner, the alerts' entities, tactics and techniques. The
 * fingerprint is the incident's name, so each incident becomes one alert
 * however often its record changes.
 */
export function incidentToAlert(workspace: string, incident: IncidentRecord, alerts: readonly IncidentAlertRecord[]): NewAlert {
  const entities: AlertEntity[] = [];
  const seen = new Set<string>();
  for (const e of alerts.flatMap((a) => a.entities)) {
    const key = entityKey(e);
    if (!seen.has(key)) (entities.push(e), seen.add(key));
  }
  const details: Record<string, string> = {};
  details['Sentinel incident'] = incident.number !== undefined ? `#${incident.number}` : incident.name;
  details['Status in Sentinel'] = incident.status;
  const owner = incident.owner?.userPrincipalName ?? incident.owner?.email ?? incident.owner?.assignedTo;
  details['Owner in Sentinel'] = owner ?? 'unassigned';
  const products = unique([...incident.productNames, ...alerts.map((a) => a.productName ?? '')]);
  if (products.length > 0) details.Products = products.join(', ');
  if (alerts.length > 0) details.Alerts = unique(alerts.map((a) => a.name)).join('; ');
  const alert: NewAlert = {
    detectionId: SENTINEL_INCIDENT_DETECTION_ID,
    detectionName: 'Microsoft Sentinel incident',
    title: incident.title,
    severity: incident.severity,
    tactics: unique([...incident.tactics, ...alerts.flatMap((a) => a.tactics)]),
    techniques: unique([...incident.techniques, ...alerts.flatMap((a) => a.techniques)]),
    fingerprint: incident.name,
    workspace,
    eventTime: incident.firstActivityTime ?? incident.createdTime ?? incident.recordTime,
    subject: subjectOf(entities),
    insights: [],
    entities,
    details,
    target: null,
    raw: { ...incident.raw, IncidentName: incident.name },
  };
  if (incident.description !== undefined) alert.description = incident.description;
  if (incident.ingestionTime !== undefined) alert.ingestionTime = incident.ingestionTime;
  return alert;
}
