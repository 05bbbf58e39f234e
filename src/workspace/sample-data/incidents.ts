import type { Row } from '../../kql/types';
import type { IncidentProperties, SentinelWorkspaceRef } from '../../incidents/types';
import type { SampleEntities } from './entities';
import type { PlantedCase } from './planted';
import { Prng } from './prng';
import type { PlantedSigninBurst } from './signin-burst';

/**
 * What Sentinel itself would have raised for the planted hits, had it run the same rules:
 * one SecurityAlert and one SecurityIncident row per hit (status New), and the same incidents
 * as the ARM resources the local incident endpoints serve. The rule ids are those of the
 * rules in detections/, so a workspace that both runs the rules and follows incidents links
 * these incidents to the alerts it raised itself instead of posting them twice.
 */

/** The ARM path of the embedded workspace's Sentinel (the local incident endpoints answer for it). */
export const LOCAL_SENTINEL_WORKSPACE: SentinelWorkspaceRef = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-firstwatch-local',
  workspaceName: 'firstwatch-local',
};

/** detections/first-time-runcommand.yaml and detections/suspicious-signin-burst.yaml. */
export const RUN_COMMAND_RULE = {
  id: 'eaca3b98-b7eb-404b-9e37-4069f893dc64',
  name: 'First-time Azure Run Command or VM extension deployment by an account',
  severity: 'Medium',
  tactics: ['LateralMovement', 'Execution'],
  techniques: ['T1021', 'T1651'],
  subTechniques: ['T1021.008'],
} as const;
export const SIGNIN_BURST_RULE = {
  id: 'c00cffd5-e6eb-46dc-ba24-34718b29f169',
  name: 'Successful sign-in after a burst of failed password attempts from one IP',
  severity: 'High',
  tactics: ['CredentialAccess', 'InitialAccess'],
  techniques: ['T1110', 'T1078'],
  subTechniques: ['T1078.004'],
} as const;

export interface SampleIncident {
  name: string;
  properties: IncidentProperties;
}

export interface SampleIncidentRows {
  incidents: Array<{ row: Row; tg: Date; ingested: Date }>;
  alerts: Array<{ row: Row; tg: Date; ingested: Date }>;
  /** The same incidents as ARM resources, for the local incident endpoints. */
  resources: SampleIncident[];
}

const MINUTE = 60_000;

interface Hit {
  rule: typeof RUN_COMMAND_RULE | typeof SIGNIN_BURST_RULE;
  upn: string;
  at: Date;
  /** When the hit's row reached the workspace: Sentinel's next rule run sees it after that. */
  seenAfter: Date;
  host?: string;
  ip?: string;
}

function hitsOf(cases: PlantedCase[], burst: PlantedSigninBurst): Hit[] {
  const hits: Hit[] = cases
    .filter((c) => c.expect === 'alert')
    .map((c) => ({ rule: RUN_COMMAND_RULE, upn: c.upn, at: c.timeGenerated, seenAfter: c.ingestionTime, host: c.machine?.name }));
  hits.push({
    rule: SIGNIN_BURST_RULE,
    upn: burst.upn,
    at: burst.successAt,
    seenAfter: new Date(burst.successAt.getTime() + 3 * MINUTE),
    ip: burst.ip,
  });
  return hits;
}

export function incidentResourceId(ws: SentinelWorkspaceRef, name: string): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.OperationalInsights` +
    `/workspaces/${ws.workspaceName}/providers/Microsoft.SecurityInsights/Incidents/${name}`
  );
}

/** Deterministic for the seed; every row is ingested no later than `now`. */
export function sampleIncidents(
  now: Date,
  seed: number,
  ent: SampleEntities,
  cases: PlantedCase[],
  burst: PlantedSigninBurst,
  workspaceId: string,
): SampleIncidentRows {
  const prng = Prng.derive(seed, 'sentinel-incidents');
  const out: SampleIncidentRows = { incidents: [], alerts: [], resources: [] };
  const hits = hitsOf(cases, burst).sort((a, b) => a.seenAfter.getTime() - b.seenAfter.getTime());
  hits.forEach((hit, i) => {
    const incidentName = prng.guid();
    const alertId = prng.guid();
    // Sentinel's scheduled run a few minutes after the row arrived; never after `now`.
    const raised = new Date(Math.min(hit.seenAfter.getTime() + 5 * MINUTE, now.getTime() - MINUTE));
    const ingested = new Date(Math.min(raised.getTime() + MINUTE, now.getTime()));
    const user = ent.users.find((u) => u.upn === hit.upn);
    const [name, suffix] = hit.upn.split('@');
    const entities: Record<string, unknown>[] = [
      { $id: '2', Name: name, UPNSuffix: suffix, ...(user ? { AadUserId: user.objectId } : {}), Type: 'account' },
    ];
    if (hit.host) entities.push({ $id: '3', HostName: hit.host, Type: 'host' });
    if (hit.ip) entities.push({ $id: '4', Address: hit.ip, Type: 'ip' });
    const title = hit.rule.name;
    const start = new Date(hit.at.getTime() - 60 * MINUTE);
    out.alerts.push({
      tg: raised,
      ingested,
      row: {
        TenantId: ent.tenantId,
        TimeGenerated: raised,
        DisplayName: title,
        AlertName: title,
        AlertSeverity: hit.rule.severity,
        Description: '',
        ProviderName: 'ASI Scheduled Alerts',
        VendorName: 'Microsoft',
        VendorOriginalId: prng.guid(),
        SystemAlertId: alertId,
        AlertType: `${workspaceId}_${hit.rule.id}`,
        ConfidenceLevel: 'Unknown',
        IsIncident: false,
        StartTime: start,
        EndTime: new Date(hit.at.getTime() + MINUTE),
        ProcessingEndTime: raised,
        ExtendedProperties: JSON.stringify({
          'Analytic Rule Ids': JSON.stringify([hit.rule.id]),
          'Analytic Rule Name': hit.rule.name,
          'Event Grouping': 'SingleAlert',
          'Search Query Results Overall Count': '1',
          'Query Start Time UTC': start.toISOString(),
          'Query End Time UTC': raised.toISOString(),
        }),
        Entities: JSON.stringify(entities),
        SourceSystem: 'Detection',
        WorkspaceSubscriptionId: LOCAL_SENTINEL_WORKSPACE.subscriptionId,
        WorkspaceResourceGroup: LOCAL_SENTINEL_WORKSPACE.resourceGroup,
        ProductName: 'Azure Sentinel',
        ProductComponentName: 'Scheduled Alerts',
        Status: 'New',
        CompromisedEntity: hit.upn,
        Tactics: hit.rule.tactics.join(', '),
        Techniques: JSON.stringify(hit.rule.techniques),
        SubTechniques: JSON.stringify(hit.rule.subTechniques),
        Type: 'SecurityAlert',
      },
    });
    const number = i + 1;
    const resourceId = incidentResourceId(LOCAL_SENTINEL_WORKSPACE, incidentName);
    const url = `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident${resourceId}`;
    const additional = {
      alertsCount: 1,
      bookmarksCount: 0,
      commentsCount: 0,
      alertProductNames: ['Azure Sentinel'],
      tactics: [...hit.rule.tactics],
      techniques: [...hit.rule.techniques],
    };
    const owner = { objectId: null, email: null, assignedTo: null, userPrincipalName: null };
    out.incidents.push({
      tg: raised,
      ingested,
      row: {
        TenantId: ent.tenantId,
        TimeGenerated: raised,
        IncidentName: incidentName,
        Title: title,
        Description: '',
        Severity: hit.rule.severity,
        Status: 'New',
        Classification: '',
        ClassificationComment: '',
        ClassificationReason: '',
        Owner: owner,
        ProviderName: 'Azure Sentinel',
        ProviderIncidentId: String(number),
        FirstActivityTime: hit.at,
        LastActivityTime: hit.at,
        FirstModifiedTime: raised,
        LastModifiedTime: raised,
        CreatedTime: raised,
        IncidentNumber: number,
        RelatedAnalyticRuleIds: [hit.rule.id],
        AlertIds: [alertId],
        BookmarkIds: [],
        Comments: [],
        Tasks: [],
        Labels: [],
        IncidentUrl: url,
        AdditionalData: additional,
        ModifiedBy: 'Microsoft Sentinel',
        SourceSystem: 'Azure',
        Type: 'SecurityIncident',
      },
    });
    out.resources.push({
      name: incidentName,
      properties: {
        title,
        severity: hit.rule.severity,
        status: 'New',
        owner,
        incidentNumber: number,
        incidentUrl: url,
        createdTimeUtc: raised.toISOString(),
        lastModifiedTimeUtc: raised.toISOString(),
        firstActivityTimeUtc: hit.at.toISOString(),
        lastActivityTimeUtc: hit.at.toISOString(),
        // ARM names rules by resource id; the SecurityIncident table by GUID.
        relatedAnalyticRuleIds: [`${resourceId.replace(/\/Incidents\/[^/]+$/, '')}/alertRules/${hit.rule.id}`],
        providerName: 'Azure Sentinel',
        providerIncidentId: String(number),
        labels: [],
        additionalData: additional,
      },
    });
  });
  return out;
}
