export { QueryError, type QueryResult, type QuerySource, type TimeRange } from './query-source';
export { LogAnalyticsSource } from './log-analytics-source';
export {
  generateWorkspace,
  ensureSampleWorkspace,
  serveWorkspace,
  readManifest,
  readPlanted,
  prepareSampleWorkspace,
  planSampleWorkspace,
} from './local-workspace';
export { startWorkspaceThread, type WorkspaceThread } from './thread/start';
export { startWorkspaceServer, DEFAULT_LOCAL_WORKSPACE_ID, type WorkspaceServer } from './server/server';
export { ServiceLimits } from './server/service-limits';
export { writeTables } from './files/write';
export { MANIFEST_FILE, PLANTED_FILE } from './files/format';
export { generateSampleData, type SampleData } from './sample-data/generate';
export { generateBehaviorAnalytics } from './sample-data/bulk';
export { type PlantedCase } from './sample-data/planted';
export { importWorkspaceTables } from './import-workspace';
