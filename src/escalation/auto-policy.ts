import type { Alert, Severity } from '../alerts/types';

/** Per severity, how long an alert may stay unacknowledged before FirstWatch escalates it. */
export type AutoEscalateAfter = Partial<Record<Severity, number>>;

export interface AutoDecision {
  kind: 'escalate' | 'remind' | 'wait';
  /** When the alert became due for acknowledgement: created, or reopened. */
  since: Date;
  afterMs: number;
}

/**
 * Decides from stored state alone (status, createdAt, lastChange), so a
 * restart neither forgets a due escalation nor repeats a done one: an
 * escalated alert is no longer 'open', and nothing here runs from memory.
 */
export function autoDecision(alert: Alert, now: Date, after: AutoEscalateAfter, remindBeforeMs?: number): AutoDecision | undefined {
  if (alert.status !== 'open') return undefined;
  const afterMs = after[alert.severity];
  if (afterMs === undefined) return undefined;
  // A reopened alert starts a new wait; an untouched one waits from when it was stored.
  const since = alert.lastChange?.action === 'reopen' ? alert.lastChange.at : alert.createdAt;
  const due = since.getTime() + afterMs;
  const t = now.getTime();
  if (t >= due) return { kind: 'escalate', since, afterMs };
  if (remindBeforeMs !== undefined && remindBeforeMs > 0 && t >= due - remindBeforeMs) return { kind: 'remind', since, afterMs };
  return { kind: 'wait', since, afterMs };
}
