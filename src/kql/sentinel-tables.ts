import type { Column, ColumnType } from './types';

/**
 * The Log Analytics tables FirstWatch knows, with every column and type Azure Monitor's table
 * reference documents for them. The local workspace stores them with these columns and rule test
 * cases get them, so a query that names a real column works offline as it does in Azure.
 */

function cols(spec: string): Column[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const [name, type] = s.split(':') as [string, ColumnType];
      return { name, type };
    });
}

const BEHAVIOR_ANALYTICS = cols(`TimeGenerated:datetime, TimeProcessed:datetime, SourceRecordId:string, UserPrincipalName:string,
  UserName:string, UserPrincipalNameIsNotInLogs:bool, ActorName:string, ActorPrincipalName:string, ActionType:string,
  ActivityType:string, EventSource:string, EventVendor:string, EventProductVersion:string, SourceIPAddress:string,
  SourceIPLocation:string, SourceDevice:string, DestinationDevice:string, DestinationIPAddress:string,
  DestinationIPLocation:string, Device:string, TargetName:string, TargetPrincipalName:string, NativeTableName:string,
  InvestigationPriority:int, ActivityInsights:dynamic, UsersInsights:dynamic, DevicesInsights:dynamic, TenantId:string,
  SourceSystem:string, Type:string`);

const AZURE_ACTIVITY = cols(`TimeGenerated:datetime, Caller:string, CallerIpAddress:string, CorrelationId:string,
  OperationNameValue:string, OperationName:string, OperationId:string, ActivityStatusValue:string, ActivityStatus:string,
  ActivitySubstatusValue:string, ActivitySubstatus:string, ResourceGroup:string, SubscriptionId:string, _ResourceId:string,
  ResourceId:string, ResourceProviderValue:string, ResourceProvider:string, Resource:string, Authorization:string,
  Authorization_d:dynamic, Claims:string, Claims_d:dynamic, Properties:string, Properties_d:dynamic, HTTPRequest:string,
  Hierarchy:string, Level:string, CategoryValue:string, Category:string, EventDataId:string,
  EventSubmissionTimestamp:datetime, TenantId:string, SourceSystem:string, Type:string`);

/** Columns SigninLogs and AADNonInteractiveUserSignInLogs share, with the same types. */
const SIGNIN_COMMON = `TimeGenerated:datetime, CreatedDateTime:datetime, Id:string, CorrelationId:string, OriginalRequestId:string,
  OperationName:string, OperationVersion:string, Category:string, ResultType:string, ResultSignature:string,
  ResultDescription:string, DurationMs:long, Identity:string, Level:string, Location:string, UserPrincipalName:string,
  UserDisplayName:string, UserId:string, UserType:string, AlternateSignInName:string, IPAddress:string,
  AutonomousSystemNumber:int, AppDisplayName:string, AppId:string, ResourceDisplayName:string, ResourceIdentity:string,
  ResourceId:string, ResourceTenantId:string, HomeTenantId:string, ServicePrincipalId:string, ServicePrincipalName:string,
  ClientAppUsed:string, UserAgent:string, ConditionalAccessStatus:string, AuthenticationRequirement:string,
  AuthenticationRequirementPolicies:string, AuthenticationProtocol:string, AuthenticationMethodsUsed:string,
  AuthenticationDetails:string, AuthenticationProcessingDetails:string, AuthenticationContextClassReferences:string,
  CrossTenantAccessType:string, IsInteractive:bool, IsRisky:bool, RiskDetail:string, RiskEventTypes:string,
  RiskEventTypes_V2:string, RiskLevelAggregated:string, RiskLevelDuringSignIn:string, RiskState:string,
  TokenIssuerName:string, TokenIssuerType:string, UniqueTokenIdentifier:string, NetworkLocationDetails:string,
  SessionLifetimePolicies:string, SignInIdentifier:string, SignInIdentifierType:string, FlaggedForReview:bool,
  AADTenantId:string, TenantId:string, SourceSystem:string, Type:string`;

/** Interactive sign-ins: the nested details are dynamic. */
const SIGNIN_LOGS = cols(`${SIGNIN_COMMON}, LocationDetails:dynamic, DeviceDetail:dynamic, Status:dynamic,
  ConditionalAccessPolicies:dynamic, MfaDetail:dynamic`);

/** Non-interactive sign-ins: the same details arrive as JSON text, which is why rules wrap them in todynamic(). */
const AAD_NON_INTERACTIVE = cols(`${SIGNIN_COMMON}, LocationDetails:string, DeviceDetail:string, Status:string,
  ConditionalAccessPolicies:string, MfaDetail:string`);

const AUDIT_LOGS = cols(`TimeGenerated:datetime, ActivityDateTime:datetime, Id:string, OperationName:string,
  OperationVersion:string, ActivityDisplayName:string, Category:string, Result:string, ResultReason:string,
  ResultType:string, ResultSignature:string, ResultDescription:string, DurationMs:long, Identity:string, Level:string,
  Location:string, InitiatedBy:dynamic, TargetResources:dynamic, AdditionalDetails:dynamic, CorrelationId:string,
  LoggedByService:string, AADOperationType:string, AADTenantId:string, Resource:string, ResourceGroup:string,
  ResourceProvider:string, ResourceId:string, TenantId:string, SourceSystem:string, Type:string`);

/** UEBA's identity table, which many UEBA-aware rules join for roles and groups. */
const IDENTITY_INFO = cols(`TimeGenerated:datetime, AccountObjectId:string, AccountUPN:string, AccountName:string,
  AccountDisplayName:string, AccountDomain:string, AccountSID:string, AccountCreationTime:datetime, AccountTenantId:string,
  AssignedRoles:dynamic, GroupMembership:dynamic, Tags:dynamic, JobTitle:string, Department:string, Manager:string,
  UserType:string, UserAccountControl:dynamic, IsAccountEnabled:bool, BlastRadius:string, RiskLevel:string,
  RiskState:string, SourceSystem:string, TenantId:string, Type:string`);

/** Sentinel's own incident and alert tables: a record per change (SecurityIncident) or per alert (SecurityAlert). */
const SECURITY_INCIDENT = cols(`TenantId:string, TimeGenerated:datetime, IncidentName:string, Title:string, Description:string,
  Severity:string, Status:string, Classification:string, ClassificationComment:string, ClassificationReason:string,
  Owner:dynamic, ProviderName:string, ProviderIncidentId:string, FirstActivityTime:datetime, LastActivityTime:datetime,
  FirstModifiedTime:datetime, LastModifiedTime:datetime, CreatedTime:datetime, ClosedTime:datetime, IncidentNumber:int,
  RelatedAnalyticRuleIds:dynamic, AlertIds:dynamic, BookmarkIds:dynamic, Comments:dynamic, Tasks:dynamic, Labels:dynamic,
  IncidentUrl:string, AdditionalData:dynamic, ModifiedBy:string, SourceSystem:string, Type:string`);

const SECURITY_ALERT = cols(`TenantId:string, TimeGenerated:datetime, DisplayName:string, AlertName:string, AlertSeverity:string,
  Description:string, ProviderName:string, VendorName:string, VendorOriginalId:string, SystemAlertId:string, ResourceId:string,
  SourceComputerId:string, AlertType:string, ConfidenceLevel:string, ConfidenceScore:real, IsIncident:bool, StartTime:datetime,
  EndTime:datetime, ProcessingEndTime:datetime, RemediationSteps:string, ExtendedProperties:string, Entities:string,
  SourceSystem:string, WorkspaceSubscriptionId:string, WorkspaceResourceGroup:string, ExtendedLinks:string, ProductName:string,
  ProductComponentName:string, AlertLink:string, Status:string, CompromisedEntity:string, Tactics:string, Techniques:string,
  SubTechniques:string, Type:string`);

export const SENTINEL_TABLES: Readonly<Record<string, readonly Column[]>> = {
  BehaviorAnalytics: BEHAVIOR_ANALYTICS,
  AzureActivity: AZURE_ACTIVITY,
  SigninLogs: SIGNIN_LOGS,
  AADNonInteractiveUserSignInLogs: AAD_NON_INTERACTIVE,
  AuditLogs: AUDIT_LOGS,
  IdentityInfo: IDENTITY_INFO,
  SecurityIncident: SECURITY_INCIDENT,
  SecurityAlert: SECURITY_ALERT,
};
