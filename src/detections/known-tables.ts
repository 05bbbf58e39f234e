import type { ColumnType } from '../kql/types';

/**
 * Column types of the Sentinel tables the shipped rules read, as Log Analytics
 * defines them. A rule test case gets every column of its table, as a real
 * workspace would (columns a row leaves out are null), so a query that names a
 * column the table has passes even when the test rows do not mention it.
 */
export const KNOWN_TABLE_COLUMNS: Readonly<Record<string, Readonly<Record<string, ColumnType>>>> = {
  BehaviorAnalytics: {
    TimeGenerated: 'datetime', TimeProcessed: 'datetime', SourceRecordId: 'string', UserPrincipalName: 'string',
    UserName: 'string', UserPrincipalNameIsNotInLogs: 'bool', ActorName: 'string', ActorPrincipalName: 'string',
    ActionType: 'string', ActivityType: 'string', EventSource: 'string', EventVendor: 'string',
    EventProductVersion: 'string', SourceIPAddress: 'string', SourceIPLocation: 'string', SourceDevice: 'string',
    DestinationDevice: 'string', DestinationIPAddress: 'string', DestinationIPLocation: 'string', Device: 'string',
    TargetName: 'string', TargetPrincipalName: 'string', NativeTableName: 'string', InvestigationPriority: 'int',
    ActivityInsights: 'dynamic', UsersInsights: 'dynamic', DevicesInsights: 'dynamic', TenantId: 'string', Type: 'string',
  },
  SigninLogs: {
    TimeGenerated: 'datetime', CreatedDateTime: 'datetime', Id: 'string', CorrelationId: 'string',
    UserPrincipalName: 'string', UserDisplayName: 'string', UserId: 'string', UserType: 'string', IPAddress: 'string',
    Location: 'string', LocationDetails: 'dynamic', ResultType: 'string', ResultDescription: 'string',
    Status: 'dynamic', AppDisplayName: 'string', AppId: 'string', ClientAppUsed: 'string', UserAgent: 'string',
    DeviceDetail: 'dynamic', ConditionalAccessStatus: 'string', AuthenticationRequirement: 'string',
    RiskLevelDuringSignIn: 'string', RiskState: 'string', IsInteractive: 'bool', TenantId: 'string', Type: 'string',
  },
  AzureActivity: {
    TimeGenerated: 'datetime', Caller: 'string', CallerIpAddress: 'string', CorrelationId: 'string',
    OperationNameValue: 'string', OperationName: 'string', ActivityStatusValue: 'string',
    ActivitySubstatusValue: 'string', ResourceGroup: 'string', SubscriptionId: 'string', _ResourceId: 'string',
    ResourceProviderValue: 'string', Authorization: 'dynamic', Properties_d: 'dynamic', Level: 'string',
    CategoryValue: 'string', TenantId: 'string', Type: 'string',
  },
};
