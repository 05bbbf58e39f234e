export { EscalationService, type CheckReport, type EscalationServiceOptions } from './escalation-service';
export { autoDecision, durationWords, type AutoDecision, type AutoEscalateAfter } from './auto-policy';
