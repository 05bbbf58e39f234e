export type {
  AlertDetailsOverride,
  CardMappings,
  Detection,
  DetectionTestCase,
  EntityMapping,
  FirstWatchSettings,
  TestRow,
  TestTable,
  TriggerOperator,
} from './types';
export { loadDetections, type LoadedDetections } from './loader';
export { parseDetection, cronForFrequency, WINDOW_START, WINDOW_END, type ParseOptions, type ParsedDetection } from './parse';
export { buildRunQuery, triggerFires, DEFAULT_CLOCK_SKEW_MS, type IngestionWindow, type RunQuery, type RunQueryOptions } from './run-query';
export { hitToAlert, fingerprintOf, fingerprintColumns, renderFormat, cardColumns } from './hit-to-alert';
export { runDetectionTests, describeOutcome, type TestOutcome, type RunTestsOptions } from './test-runner';
export { frequencyToCron, parseRuleTimespan } from './timespan';
export { DetectionFileError, DetectionHitError, DetectionLoadError } from './errors';
