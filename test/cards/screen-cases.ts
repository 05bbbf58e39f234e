import type { Alert } from '../../src/alerts/types';
import { alertCard } from '../../src/cards/adaptive/alert-card';
import { withEscalationIntro } from '../../src/cards/adaptive/escalation';
import { commandReplyCard } from '../../src/cards/adaptive/reply-card';
import { huntPendingCard } from '../../src/cards/adaptive/hunt-pending';
import { toAlertView } from '../../src/cards/alert-view';
import { digestCard, huntCard, toDigestView } from '../../src/cards';
import { escalationIntro } from '../../src/cards/escalation';
import { aliceReport, emptyReport } from '../alerts/hunt/reports';
import { NOW as HUNT_NOW } from '../alerts/hunt/fixtures';
import { alertCatalog } from './catalog';
import { alertIn, cardContext, runCommandHit, signInBurstHit } from './fixtures';

/** One card as the Playground should show it. */
export interface ScreenCase {
  name: string;
  card: object;
  /** Text that only this card shows (posts are listed newest first, so the newest match is this one). */
  marker: string;
  /** The alert card that must be read at a glance: buttons within the first 600 px. */
  glance: boolean;
  /** An alert card: it has a Details toggle. */
  alert?: true;
}

const fileName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Each alert gets an id of its own, so its card can be found among the others. */
function alertCase(name: string, alert: Alert, n: number, glance: boolean): ScreenCase {
  const id = `FW-${700 + n}`;
  const a = { ...alert, id };
  return { name, card: alertCard(toAlertView(a, cardContext())), marker: id, glance, alert: true };
}

/** Every card kind FirstWatch posts to Teams, in each state an alert can be in. */
export function screenCases(): ScreenCase[] {
  const cases: ScreenCase[] = [];
  let n = 0;
  const runCommandStates: [string, Alert][] = [
    ['run command open', runCommandHit()],
    ['run command acknowledged', runCommandHit(stateOf('acknowledged'))],
    ['run command escalated', runCommandHit(stateOf('escalated', { to: 'on-call', note: 'VM owner is on leave' }))],
    ['run command resolved true positive', runCommandHit(stateOf('resolved', {}, 'true_positive'))],
    ['run command resolved benign positive', runCommandHit(stateOf('resolved', {}, 'benign_positive'))],
    ['run command resolved false positive', runCommandHit(stateOf('resolved', {}, 'false_positive'))],
  ];
  for (const [name, alert] of runCommandStates) cases.push(alertCase(name, alert, ++n, true));
  cases.push(alertCase('sign-in burst open', signInBurstHit(), ++n, true));
  cases.push(alertCase('sign-in burst acknowledged', signInBurstHit(stateOf('acknowledged')), ++n, true));
  // The catalog's other kinds; its state cases are the Run Command ones above.
  const kinds = new Set([
    'Azure Arc machine, Custom Script Extension',
    'target not found',
    'generic detection with entities and custom details',
    'no subject at all',
    'hostile strings',
    'every field far past the limits',
  ]);
  // Only data far past every limit may push the buttons down (its title alone is capped at 160 characters).
  for (const [name, alert] of alertCatalog()) {
    if (kinds.has(name)) cases.push(alertCase(name, alert, ++n, name !== 'every field far past the limits'));
  }

  const escalated = { ...runCommandHit(stateOf('escalated', { to: 'on-call' })), id: `FW-${700 + ++n}` };
  cases.push({
    name: 'escalation copy with mention',
    card: withEscalationIntro(alertCard(toAlertView(escalated, cardContext())), escalationIntro(escalated, cardContext().now), {
      id: 'oncall-tag',
      name: 'SOC on-call',
      kind: 'tag',
    }),
    marker: escalated.id,
    glance: true,
    alert: true,
  });
  const storm = Array.from({ length: 30 }, (_, i) => ({ ...runCommandHit(), id: `FW-${800 + i}` }));
  cases.push({ name: 'storm digest', card: digestCard(toDigestView(storm, { individualFollow: false })), marker: 'FW-800', glance: false });
  cases.push({ name: 'hunt result', card: huntCard(aliceReport(), HUNT_NOW), marker: 'Alice Johnson', glance: false });
  cases.push({ name: 'hunt result empty', card: huntCard(emptyReport(), HUNT_NOW), marker: 'No activity', glance: false });
  cases.push({
    name: 'hunt pending',
    card: huntPendingCard('pending.user@contoso.com', { alertId: 'FW-12', lookbackMs: 7 * 86_400_000 }),
    marker: 'pending.user@contoso.com',
    glance: false,
  });
  cases.push({
    name: 'reply error',
    card: commandReplyCard({ kind: 'error', message: 'FW-999 does not exist' }, cardContext()),
    marker: 'FW-999',
    glance: false,
  });
  return cases.map((c) => ({ ...c, name: fileName(c.name) }));
}

/** The last change that puts an alert in `status`, as the alert service records it. */
function stateOf(
  status: Alert['status'],
  escalation: { to?: string; note?: string } = {},
  classification?: 'true_positive' | 'benign_positive' | 'false_positive',
): Partial<Alert> {
  const a = alertIn(status, {}, classification ? { classification } : {});
  const lastChange = { ...a.lastChange! };
  if (status === 'escalated') lastChange.escalation = { by: 'Alex Wilber', at: lastChange.at.toISOString(), ...escalation };
  return {
    status,
    version: 2,
    lastChange,
    ...(classification ? { classification } : a.classification ? { classification: a.classification } : {}),
  };
}
