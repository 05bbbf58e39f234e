export type { Detection } from './types';
export { loadDetections } from './loader';
export { parseDetection, cronForFrequency } from './parse';
export { buildRunQuery, triggerFires, type RunQueryOptions } from './run-query';
export { hitToAlert, fingerprintOf, ruleWideFingerprintOf, renderFormat } from './hit-to-alert';
export { runDetectionTests, describeOutcome } from './test-runner';
export { frequencyToCron, parseRuleTimespan } from './timespan';
export { DetectionFileError, DetectionHitError } from './errors';
