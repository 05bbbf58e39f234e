import { classificationLabel } from './classification';
import type { Alert, AlertAction, AlertStatus, StatusChange } from './types';
import { formatUtcTime } from '../time/when';

export { formatUtcTime } from '../time/when';

const PAST_TENSE: Readonly<Record<AlertAction, string>> = {
  acknowledge: 'Acknowledged',
  escalate: 'Escalated',
  resolve: 'Resolved',
  reopen: 'Reopened',
};

const STATUS_WORD: Readonly<Record<AlertStatus, string>> = {
  open: 'open',
  acknowledged: 'acknowledged',
  escalated: 'escalated',
  resolved: 'resolved',
};

/** "Acknowledged", "Resolved as false positive" */
export function describeChangeAction(change: Pick<StatusChange, 'action' | 'classification'>): string {
  const word = PAST_TENSE[change.action];
  return change.action === 'resolve' && change.classification ? `${word} as ${classificationLabel(change.classification)}` : word;
}

/**
 * Who last changed the alert, and when: "Open", "Acknowledged by Alex Wilber · 14:02 UTC",
 * "Resolved as false positive by Alex Wilber · 14:02 UTC", "Reopened by … · …".
 * The card's status line and the thread replies both start from it.
 */
export function describeStatus(alert: Pick<Alert, 'status' | 'lastChange' | 'classification'>, opts: { now?: Date } = {}): string {
  const change = alert.lastChange;
  if (!change) {
    const base = capitalise(STATUS_WORD[alert.status]);
    return alert.status === 'resolved' && alert.classification ? `${base} as ${classificationLabel(alert.classification)}` : base;
  }
  const classification = change.action === 'resolve' ? (change.classification ?? alert.classification) : undefined;
  const to = change.action === 'escalate' && change.escalation?.to ? ` to ${change.escalation.to}` : '';
  return `${describeChangeAction({ action: change.action, classification })} by ${change.actor.displayName}${to} · ${formatUtcTime(change.at, opts.now)}`;
}

/**
 * "Escalated by Alex Wilber to on-call · 14:02 UTC — needs eyes", from the latest
 * escalation carried on the alert; undefined when it was never escalated (or reopened since).
 */
export function describeEscalation(alert: Pick<Alert, 'lastChange'>, opts: { now?: Date } = {}): string | undefined {
  const mark = alert.lastChange?.escalation;
  if (mark === undefined) return undefined;
  const to = mark.to ? ` to ${mark.to}` : '';
  // Quoted, on one line: the note stays inside its quotes wherever this line is shown.
  const note = mark.note ? ` — “${mark.note.trim().replace(/\s*[\r\n]+\s*/g, ' / ')}”` : '';
  return `Escalated by ${mark.by}${to} · ${formatUtcTime(new Date(mark.at), opts.now)}${note}`;
}

/** "acknowledged", "resolved (false positive)" — for sentences about the current state. */
export function statusPhrase(alert: Pick<Alert, 'status' | 'classification'>): string {
  const word = STATUS_WORD[alert.status];
  return alert.status === 'resolved' && alert.classification ? `${word} (${classificationLabel(alert.classification)})` : word;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
