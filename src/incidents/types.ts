/**
 * The Microsoft Sentinel incident resource as the ARM API
 * (Microsoft.SecurityInsights/incidents, api-version 2024-03-01) sends it.
 * Only the fields FirstWatch reads or writes are typed; the rest is kept as sent.
 */

export const INCIDENT_STATUSES = ['New', 'Active', 'Closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_CLASSIFICATIONS = ['TruePositive', 'BenignPositive', 'FalsePositive', 'Undetermined'] as const;
export type IncidentClassification = (typeof INCIDENT_CLASSIFICATIONS)[number];

export const INCIDENT_CLASSIFICATION_REASONS = [
  'SuspiciousActivity',
  'SuspiciousButExpected',
  'IncorrectAlertLogic',
  'InaccurateData',
] as const;
export type IncidentClassificationReason = (typeof INCIDENT_CLASSIFICATION_REASONS)[number];

/** Which reasons Sentinel accepts with which classification (Undetermined takes none). */
export const REASONS_FOR: Record<IncidentClassification, readonly IncidentClassificationReason[]> = {
  TruePositive: ['SuspiciousActivity'],
  BenignPositive: ['SuspiciousButExpected'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
  Undetermined: [],
};

export interface IncidentOwner {
  objectId?: string | null;
  email?: string | null;
  userPrincipalName?: string | null;
  assignedTo?: string | null;
  ownerType?: string | null;
}

export interface IncidentProperties {
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  description?: string;
  classification?: IncidentClassification | null;
  classificationReason?: IncidentClassificationReason | null;
  classificationComment?: string | null;
  owner?: IncidentOwner;
  incidentNumber?: number;
  incidentUrl?: string;
  createdTimeUtc?: string;
  lastModifiedTimeUtc?: string;
  firstActivityTimeUtc?: string;
  lastActivityTimeUtc?: string;
  relatedAnalyticRuleIds?: string[];
  providerName?: string;
  providerIncidentId?: string;
  labels?: { labelName: string; labelType?: string }[];
  additionalData?: {
    alertsCount?: number;
    commentsCount?: number;
    alertProductNames?: string[];
    tactics?: string[];
    techniques?: string[];
  };
}

export interface Incident {
  /** The ARM resource id. */
  id: string;
  /** The incident's GUID (the last segment of the id). */
  name: string;
  type: string;
  etag: string;
  properties: IncidentProperties;
}

/** What a PUT carries: the writable properties and the etag read with them. */
export interface IncidentUpdate {
  name: string;
  etag: string;
  properties: IncidentProperties;
}

export interface IncidentComment {
  id: string;
  name: string;
  properties: { message: string; createdTimeUtc?: string; author?: { name?: string; userPrincipalName?: string; objectId?: string } };
}

/** The ARM path of a Log Analytics workspace with Sentinel on it. */
export interface SentinelWorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export function incidentsPath(ws: SentinelWorkspaceRef): string {
  return (
    `/subscriptions/${encodeURIComponent(ws.subscriptionId)}/resourceGroups/${encodeURIComponent(ws.resourceGroup)}` +
    `/providers/Microsoft.OperationalInsights/workspaces/${encodeURIComponent(ws.workspaceName)}/providers/Microsoft.SecurityInsights/incidents`
  );
}
