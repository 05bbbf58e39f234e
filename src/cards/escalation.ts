import type { Alert } from '../alerts/types';

/**
 * The opening line of an escalation copy: "Escalated by Alex Wilber to on-call — “needs eyes”",
 * or a plain "FW-12 was escalated" when the alert carries no escalation (reopened since).
 * No time: the card's state line just below says when, in the reader's own time zone.
 */
export function escalationIntro(alert: Pick<Alert, 'id' | 'lastChange'>, _now?: Date): string {
  const mark = alert.lastChange?.escalation;
  if (mark === undefined) return `${alert.id} was escalated`;
  const to = mark.to ? ` to ${mark.to}` : '';
  // Quoted, on one line: the note stays inside its quotes wherever this line is shown.
  const note = mark.note ? ` — “${mark.note.trim().replace(/\s*[\r\n]+\s*/g, ' / ')}”` : '';
  return `Escalated by ${mark.by}${to}${note}`;
}
