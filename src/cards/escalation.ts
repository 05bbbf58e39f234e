import { describeEscalation } from '../alerts/status-text';
import type { Alert } from '../alerts/types';

/**
 * The opening line of an escalation copy: "Escalated by Alex Wilber to on-call · 14:02 UTC — needs eyes",
 * or a plain "FW-12 was escalated" when the alert carries no escalation (reopened since).
 */
export function escalationIntro(alert: Pick<Alert, 'id' | 'lastChange'>, now?: Date): string {
  return describeEscalation(alert, { now: now ?? new Date(0) }) ?? `${alert.id} was escalated`;
}
