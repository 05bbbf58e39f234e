import type { AlertStatus } from '../alerts/types';
import type { CardActionPayload, CardVerb } from '../alerts/commands';
import { cardPayload } from './payload';

/** State actions offered per status (hunt is added when the alert names a user). */
const BY_STATUS: Readonly<Record<AlertStatus, readonly CardVerb[]>> = {
  open: ['ack', 'escalate', 'resolve'],
  acknowledged: ['escalate', 'resolve'],
  escalated: ['ack', 'resolve'],
  resolved: ['reopen'],
};

export const VERB_LABEL: Readonly<Record<CardVerb, string>> = {
  ack: 'Acknowledge',
  escalate: 'Escalate',
  resolve: 'Resolve',
  reopen: 'Reopen',
  hunt: 'Hunt user',
};

export interface ViewAction {
  verb: CardVerb;
  label: string;
  /** What the button carries back. */
  payload: CardActionPayload;
  /** The action asks for more first: escalate (optional note), resolve (classification + note). */
  input?: 'escalate' | 'resolve';
  style?: 'primary' | 'danger';
}

/** The buttons a card in this state shows, in display order. */
export function availableVerbs(status: AlertStatus, hasSubjectUpn: boolean): CardVerb[] {
  const verbs = [...BY_STATUS[status]];
  if (hasSubjectUpn) verbs.push('hunt');
  return verbs;
}

export function viewActions(alertId: string, version: number, status: AlertStatus, hasSubjectUpn: boolean): ViewAction[] {
  return availableVerbs(status, hasSubjectUpn).map((verb) => {
    const action: ViewAction = { verb, label: VERB_LABEL[verb], payload: cardPayload(verb, alertId, version) };
    if (verb === 'escalate' || verb === 'resolve') action.input = verb;
    if (verb === 'ack') action.style = 'primary';
    if (verb === 'escalate') action.style = 'danger';
    return action;
  });
}
