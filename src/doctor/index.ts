export { runDoctor, runDoctorFromEnv, configProblems } from './run';
export { formatReport, exitCodeOf } from './format';
export { nextRuns } from './detections';
export { identityOf, type TokenIdentity } from './identity';
export type { CheckResult, DoctorOptions, Verdict } from './types';
