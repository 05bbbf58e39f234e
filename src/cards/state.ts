import { classificationLabel } from '../alerts/classification';
import type { Alert, AlertStatus } from '../alerts/types';

/** How a card's state reads without colour: a word and an icon, and the colour for those who see it. */
export interface StateView {
  status: AlertStatus;
  /** "Open", "Acknowledged", "Escalated", "Resolved · false positive" */
  word: string;
  icon: string;
  /** Adaptive Card container style for the header. */
  tone: 'attention' | 'accent' | 'warning' | 'good';
  /** "Acknowledged by Alex Wilber"; absent while nobody has touched the alert. */
  by?: string;
  /** When `by` happened (ISO 8601): renderers show it in the reader's time zone where the platform can. */
  at?: Date;
  note?: string;
  /** The latest escalation, still said after later changes: "Escalated by Alex Wilber to on-call". */
  escalation?: { by: string; at: Date; note?: string };
}

const ICON: Readonly<Record<AlertStatus, string>> = { open: '🚨', acknowledged: '👀', escalated: '⏫', resolved: '✅' };
const TONE: Readonly<Record<AlertStatus, StateView['tone']>> = {
  open: 'attention',
  acknowledged: 'accent',
  escalated: 'warning',
  resolved: 'good',
};
const WORD: Readonly<Record<AlertStatus, string>> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  resolved: 'Resolved',
};
const DONE: Readonly<Record<string, string>> = {
  acknowledge: 'Acknowledged',
  escalate: 'Escalated',
  resolve: 'Resolved',
  reopen: 'Reopened',
};

/** "Escalated by Alex Wilber to on-call"; without a configured destination it says so rather than leave "to …" out. */
function escalatedBy(by: string, to: string | undefined, auto: boolean | undefined): string {
  const who = auto === true ? `automatically (${by})` : `by ${by}`;
  return to !== undefined && to.trim() !== '' ? `Escalated ${who} to ${to}` : `Escalated ${who}; no escalation target is set up`;
}

function validDate(d: Date): Date | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : undefined;
}

export function stateView(alert: Pick<Alert, 'status' | 'lastChange' | 'classification'>): StateView {
  const change = alert.lastChange;
  const classification = alert.status === 'resolved' ? (change?.classification ?? alert.classification) : undefined;
  const view: StateView = {
    status: alert.status,
    word: classification ? `${WORD[alert.status]} · ${classificationLabel(classification)}` : WORD[alert.status],
    icon: ICON[alert.status],
    tone: TONE[alert.status],
  };
  if (change !== undefined) {
    const mark = change.escalation;
    view.by =
      change.action === 'escalate'
        ? escalatedBy(change.actor.displayName, mark?.to, mark?.auto)
        : `${DONE[change.action] ?? change.action}${change.action === 'resolve' && classification ? ` as ${classificationLabel(classification)}` : ''} by ${change.actor.displayName}`;
    const at = validDate(change.at);
    if (at) view.at = at;
    const note = change.note?.trim();
    if (note) view.note = note;
    if (mark !== undefined && change.action !== 'escalate') {
      const markAt = validDate(new Date(mark.at));
      if (markAt) {
        view.escalation = { by: escalatedBy(mark.by, mark.to, mark.auto), at: markAt };
        if (mark.note?.trim()) view.escalation.note = mark.note.trim();
      }
    }
  }
  return view;
}
