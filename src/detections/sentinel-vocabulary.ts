/** Sentinel's closed vocabularies, as its template validation enforces them. */

export const TACTICS = [
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'Reconnaissance',
  'ResourceDevelopment',
  'ImpairProcessControl',
  'InhibitResponseFunction',
] as const;

/** Entity type → the identifiers it accepts. */
export const ENTITY_IDENTIFIERS: Readonly<Record<string, readonly string[]>> = {
  Account: ['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid'],
  AzureResource: ['ResourceId'],
  CloudApplication: ['AppId', 'Name', 'InstanceName'],
  DNS: ['DomainName'],
  File: ['Directory', 'Name'],
  FileHash: ['Algorithm', 'Value'],
  Host: ['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'],
  IoTDevice: ['DeviceId', 'DeviceName', 'Manufacturer', 'Model', 'FirmwareVersion', 'OperatingSystem', 'MacAddress', 'Protocols', 'SerialNumber', 'Source', 'IoTSecurityAgentId', 'DeviceType'],
  IP: ['Address'],
  Mailbox: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'],
  MailCluster: ['NetworkMessageIds', 'CountByDeliveryStatus', 'CountByThreatType', 'CountByProtectionStatus', 'Threats', 'Query', 'QueryTime', 'MailCount', 'IsVolumeAnomaly', 'Source', 'ClusterSourceIdentifier', 'ClusterSourceType', 'ClusterQueryStartTime', 'ClusterQueryEndTime', 'ClusterGroup'],
  MailMessage: ['Recipient', 'Urls', 'Threats', 'Sender', 'P1Sender', 'P1SenderDisplayName', 'P1SenderDomain', 'SenderIP', 'P2Sender', 'P2SenderDisplayName', 'P2SenderDomain', 'ReceivedDate', 'NetworkMessageId', 'InternetMessageId', 'Subject', 'BodyFingerprintBin1', 'BodyFingerprintBin2', 'BodyFingerprintBin3', 'BodyFingerprintBin4', 'BodyFingerprintBin5', 'AntispamDirection', 'DeliveryAction', 'DeliveryLocation', 'Language', 'ThreatDetectionMethods'],
  Malware: ['Name', 'Category'],
  Process: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
  RegistryKey: ['Hive', 'Key'],
  RegistryValue: ['Name', 'Value', 'ValueType'],
  SecurityGroup: ['DistinguishedName', 'SID', 'ObjectGuid'],
  SubmissionMail: ['NetworkMessageId', 'Timestamp', 'Recipient', 'Sender', 'SenderIp', 'Subject', 'ReportType', 'SubmissionId', 'SubmissionDate', 'Submitter'],
  URL: ['Url'],
};

/** Top-level fields FirstWatch reads. */
export const ACTED_ON_FIELDS = new Set([
  'id',
  'name',
  'description',
  'severity',
  'queryFrequency',
  'queryPeriod',
  'triggerOperator',
  'triggerThreshold',
  'tactics',
  'relevantTechniques',
  'query',
  'entityMappings',
  'customDetails',
  'alertDetailsOverride',
  'version',
  'kind',
  'firstwatch',
]);

/** Fields of Sentinel's rule format that FirstWatch reads past, with what that means. */
export const KNOWN_IGNORED_FIELDS: Readonly<Record<string, string>> = {
  requiredDataConnectors: 'FirstWatch does not check data connectors; a missing table fails the query instead',
  eventGroupingSettings: 'FirstWatch always raises one alert per result row',
  incidentConfiguration: 'FirstWatch does not create Sentinel incidents or group alerts into them',
  suppressionDuration: 'FirstWatch does not suppress; repeated rows are deduplicated by fingerprint',
  suppressionEnabled: 'FirstWatch does not suppress; repeated rows are deduplicated by fingerprint',
  sentinelEntitiesMappings: 'FirstWatch maps entities from entityMappings only',
  subTechniques: 'FirstWatch reads techniques (with sub-techniques) from relevantTechniques',
  metadata: 'kept in the file only',
  tags: 'kept in the file only',
  status: 'kept in the file only',
  enabled: 'every rule file in the folder runs; remove the file to disable it',
  alertRuleTemplateName: 'kept in the file only',
  templateVersion: 'kept in the file only',
};

export const KNOWN_OVERRIDE_FIELDS = new Set([
  'alertDisplayNameFormat',
  'alertDescriptionFormat',
  'alertSeverityColumnName',
  'alertTacticsColumnName',
]);
