import { classificationLabel } from '../alerts/classification';
import type { Alert, AlertAction, Classification } from '../alerts/types';
import { formatUtc } from './time';

const DONE: Readonly<Record<AlertAction, string>> = {
  acknowledge: 'Acknowledged',
  escalate: 'Escalated',
  resolve: 'Resolved',
  reopen: 'Reopened',
};

const STATUS_TITLE: Readonly<Record<Alert['status'], string>> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  resolved: 'Resolved',
};

/** "false positive" */
export function classificationText(c: Classification): string {
  return classificationLabel(c);
}

/**
 * The card's status line: "Open", "Acknowledged by Alex Wilber · 14:02 UTC",
 * "Escalated by Alex Wilber · 14:02 UTC · needs the VM owner",
 * "Resolved as false positive by Alex Wilber · 14:30 UTC", "Reopened by … · …".
 * `now` decides whether the date is shown (only when the change was on another UTC day);
 * without it the date is always shown.
 */
export function describeStatus(
  alert: Pick<Alert, 'status' | 'lastChange' | 'classification'>,
  now?: Date,
): string {
  const change = alert.lastChange;
  if (!change) {
    const base = STATUS_TITLE[alert.status];
    return alert.status === 'resolved' && alert.classification
      ? `${base} as ${classificationText(alert.classification)}`
      : base;
  }
  const classification = change.action === 'resolve' ? (change.classification ?? alert.classification) : undefined;
  const verb = classification ? `${DONE[change.action]} as ${classificationText(classification)}` : DONE[change.action];
  // Without a reference clock, a far-away date keeps the line unambiguous.
  const when = formatUtc(change.at, now ?? new Date(0));
  const note = change.note?.trim();
  return `${verb} by ${change.actor.displayName} · ${when}${note ? ` · ${note}` : ''}`;
}
