export { EscalationService } from './escalation-service';
export { autoDecision } from './auto-policy';
