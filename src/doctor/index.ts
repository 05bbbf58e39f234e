export { runDoctorFromEnv } from './run';
export { formatReport, exitCodeOf } from './format';
export { nextRuns } from './detections';
export { identityOf } from './identity';
export type { CheckResult } from './types';
