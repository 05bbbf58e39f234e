import { describeEscalation, describeStatus as describeDomainStatus } from '../alerts/status-text';
import type { Alert } from '../alerts/types';
import { quotedNote } from './plain-text';

/**
 * The card's status line: the domain's "Escalated by Alex Wilber · 14:02 UTC" plus the
 * note, "· needs the VM owner". `now` decides whether the date is shown (only when the
 * change was on another UTC day); without it the date is always shown.
 */
export function describeStatus(alert: Pick<Alert, 'status' | 'lastChange' | 'classification'>, now?: Date): string {
  // Without a reference clock, a far-away date keeps the line unambiguous.
  const line = describeDomainStatus(alert, { now: now ?? new Date(0) });
  const note = alert.lastChange?.note?.trim();
  // Quoted and on one line: a note cannot add a line, such as a forged "Status:", to the card.
  const status = note ? `${line} · ${quotedNote(note)}` : line;
  // After an escalation, later changes still say where it went (the escalate line itself already does).
  if (alert.lastChange?.action === 'escalate') return status;
  const escalated = describeEscalation(alert, { now: now ?? new Date(0) });
  return escalated === undefined ? status : `${status} (${escalated})`;
}
