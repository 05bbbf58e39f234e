import { SENTINEL_TABLES } from '../../kql';
import type { Column } from '../../kql/types';

/** The sample workspace's tables carry every column Log Analytics documents for them. */
const copy = (name: string): Column[] => (SENTINEL_TABLES[name] ?? []).map((c) => ({ ...c }));

export const BEHAVIOR_ANALYTICS_COLUMNS: Column[] = copy('BehaviorAnalytics');
export const AZURE_ACTIVITY_COLUMNS: Column[] = copy('AzureActivity');
export const SIGNIN_LOGS_COLUMNS: Column[] = copy('SigninLogs');
export const NON_INTERACTIVE_SIGNIN_COLUMNS: Column[] = copy('AADNonInteractiveUserSignInLogs');
export const AUDIT_LOGS_COLUMNS: Column[] = copy('AuditLogs');
export const IDENTITY_INFO_COLUMNS: Column[] = copy('IdentityInfo');

export const SAMPLE_TABLE_COLUMNS: Readonly<Record<string, Column[]>> = {
  BehaviorAnalytics: BEHAVIOR_ANALYTICS_COLUMNS,
  AzureActivity: AZURE_ACTIVITY_COLUMNS,
  SigninLogs: SIGNIN_LOGS_COLUMNS,
  AADNonInteractiveUserSignInLogs: NON_INTERACTIVE_SIGNIN_COLUMNS,
  AuditLogs: AUDIT_LOGS_COLUMNS,
  IdentityInfo: IDENTITY_INFO_COLUMNS,
  SecurityIncident: copy('SecurityIncident'),
  SecurityAlert: copy('SecurityAlert'),
};
