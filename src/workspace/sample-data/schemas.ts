import type { Column, ColumnType } from '../../kql/types';

function cols(spec: Array<[string, ColumnType]>): Column[] {
  return spec.map(([name, type]) => ({ name, type }));
}

/** Sentinel UEBA's BehaviorAnalytics table (column names and types as in Log Analytics). */
export const BEHAVIOR_ANALYTICS_COLUMNS: Column[] = cols([
  ['TimeGenerated', 'datetime'],
  ['TimeProcessed', 'datetime'],
  ['SourceRecordId', 'string'],
  ['UserPrincipalName', 'string'],
  ['UserName', 'string'],
  ['ActorName', 'string'],
  ['ActorPrincipalName', 'string'],
  ['ActionType', 'string'],
  ['ActivityType', 'string'],
  ['EventSource', 'string'],
  ['EventVendor', 'string'],
  ['EventProductVersion', 'string'],
  ['SourceIPAddress', 'string'],
  ['SourceIPLocation', 'string'],
  ['SourceDevice', 'string'],
  ['DestinationDevice', 'string'],
  ['DestinationIPAddress', 'string'],
  ['DestinationIPLocation', 'string'],
  ['Device', 'string'],
  ['TargetName', 'string'],
  ['TargetPrincipalName', 'string'],
  ['NativeTableName', 'string'],
  ['InvestigationPriority', 'int'],
  ['ActivityInsights', 'dynamic'],
  ['UsersInsights', 'dynamic'],
  ['DevicesInsights', 'dynamic'],
  ['TenantId', 'string'],
  ['Type', 'string'],
]);

export const AZURE_ACTIVITY_COLUMNS: Column[] = cols([
  ['TimeGenerated', 'datetime'],
  ['Caller', 'string'],
  ['CallerIpAddress', 'string'],
  ['CorrelationId', 'string'],
  ['OperationNameValue', 'string'],
  ['OperationName', 'string'],
  ['ActivityStatusValue', 'string'],
  ['ActivitySubstatusValue', 'string'],
  ['ResourceGroup', 'string'],
  ['SubscriptionId', 'string'],
  ['_ResourceId', 'string'],
  ['ResourceProviderValue', 'string'],
  ['Authorization', 'dynamic'],
  ['Properties_d', 'dynamic'],
  ['Level', 'string'],
  ['CategoryValue', 'string'],
  ['TenantId', 'string'],
  ['Type', 'string'],
]);

export const SIGNIN_LOGS_COLUMNS: Column[] = cols([
  ['TimeGenerated', 'datetime'],
  ['UserPrincipalName', 'string'],
  ['UserDisplayName', 'string'],
  ['UserId', 'string'],
  ['Id', 'string'],
  ['IPAddress', 'string'],
  ['Location', 'string'],
  ['LocationDetails', 'dynamic'],
  ['DeviceDetail', 'dynamic'],
  ['ResultType', 'string'],
  ['ResultDescription', 'string'],
  ['AppDisplayName', 'string'],
  ['ClientAppUsed', 'string'],
  ['ConditionalAccessStatus', 'string'],
  ['RiskLevelDuringSignIn', 'string'],
  ['Type', 'string'],
]);

export const AUDIT_LOGS_COLUMNS: Column[] = cols([
  ['TimeGenerated', 'datetime'],
  ['OperationName', 'string'],
  ['Category', 'string'],
  ['Result', 'string'],
  ['InitiatedBy', 'dynamic'],
  ['TargetResources', 'dynamic'],
  ['CorrelationId', 'string'],
  ['LoggedByService', 'string'],
  ['Type', 'string'],
]);

export const SAMPLE_TABLE_COLUMNS: Readonly<Record<string, Column[]>> = {
  BehaviorAnalytics: BEHAVIOR_ANALYTICS_COLUMNS,
  AzureActivity: AZURE_ACTIVITY_COLUMNS,
  SigninLogs: SIGNIN_LOGS_COLUMNS,
  AuditLogs: AUDIT_LOGS_COLUMNS,
};
