import type { AlertAction, AlertStatus } from './types';

/**
 * Which statuses each action may start from, and where it leads.
 *
 * - acknowledge: from open, and from escalated — the person the alert was
 *   escalated to acknowledges it, as on-call tools do. Acknowledging an
 *   acknowledged alert is a no-op.
 * - escalate: from open or acknowledged. Escalating an escalated alert is a
 *   no-op (there is one escalation level).
 * - resolve: from open, acknowledged or escalated. Resolving a resolved alert
 *   with the same classification is a no-op; a different classification needs
 *   a reopen first, so the record of who decided what is never overwritten.
 * - reopen: from resolved only. Reopening an open alert is a no-op.
 */
export interface TransitionRule {
  from: readonly AlertStatus[];
  to: AlertStatus;
}

export const TRANSITIONS: Readonly<Record<AlertAction, TransitionRule>> = {
  acknowledge: { from: ['open', 'escalated'], to: 'acknowledged' },
  escalate: { from: ['open', 'acknowledged'], to: 'escalated' },
  resolve: { from: ['open', 'acknowledged', 'escalated'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'open' },
};

export const ALERT_ACTIONS: readonly AlertAction[] = ['acknowledge', 'escalate', 'resolve', 'reopen'];

export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'escalated', 'resolved'];

export function canApply(action: AlertAction, status: AlertStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The action would leave the alert where it already is. */
export function isNoop(action: AlertAction, status: AlertStatus): boolean {
  return TRANSITIONS[action].to === status;
}
