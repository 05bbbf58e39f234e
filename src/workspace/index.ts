export { QueryError, type QueryErrorKind, type QueryResult, type QuerySource, type TimeRange } from './query-source';
export { LogAnalyticsSource, DEFAULT_LOG_ANALYTICS_ENDPOINT, type LogAnalyticsSourceOptions } from './log-analytics-source';
export {
  generateWorkspace,
  ensureSampleWorkspace,
  serveWorkspace,
  readManifest,
  readPlanted,
  prepareSampleWorkspace,
  planSampleWorkspace,
  type SamplePlan,
  type PreparedWorkspace,
  type EnsureSampleOptions,
  type GenerateWorkspaceOptions,
  type GeneratedWorkspace,
  type ServeWorkspaceOptions,
  type WorkspaceManifest,
} from './local-workspace';
export { startWorkspaceThread, type WorkspaceThread, type WorkspaceThreadOptions } from './thread/start';
export { startWorkspaceServer, DEFAULT_LOCAL_WORKSPACE_ID, type WorkspaceServer, type WorkspaceServerOptions, type RequestRecord } from './server/server';
export { FaultQueue, type Fault } from './server/faults';
export { ServiceLimits, type ServiceLimitsOptions } from './server/service-limits';
export { parseTimespan, parseIsoDuration, TimespanError } from './server/timespan';
export { loadWorkspace, parseTableFile, LoadedWorkspace } from './files/load';
export { tableToNdjson, writeTables } from './files/write';
export { WorkspaceDataError, INGESTION_TIME_FIELD, MANIFEST_FILE, PLANTED_FILE } from './files/format';
export { generateSampleData, type SampleData, type SampleDataOptions, type IngestedTable } from './sample-data/generate';
export { signinBurst, type PlantedSigninBurst } from './sample-data/signin-burst';
export { generateBehaviorAnalytics, type BulkOptions, type BehaviorAnalyticsBatch } from './sample-data/bulk';
export { planted, type PlantedCase, type UebaEncoding } from './sample-data/planted';
export { sampleEntities, type SampleEntities, type SampleUser, type SampleMachine } from './sample-data/entities';
export { MECHANISMS, type Mechanism, type ArmOperation } from './sample-data/operations';
export { SAMPLE_TABLE_COLUMNS } from './sample-data/schemas';
export { importWorkspaceTables } from './import-workspace';
export { importExport, type ImportedTable } from './files/import';
