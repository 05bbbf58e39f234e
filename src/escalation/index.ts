export { EscalationService, type CheckReport, type EscalationServiceOptions } from './escalation-service';
export { autoDecision, type AutoDecision, type AutoEscalateAfter } from './auto-policy';
export { durationWords } from '../time/duration';
