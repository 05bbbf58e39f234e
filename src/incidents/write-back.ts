import type { Actor, Alert, Classification } from '../alerts/types';
import type { SentinelIncidentsClient } from './arm-client';
import { IncidentApiError } from './errors';
import type { Incident, IncidentClassification, IncidentClassificationReason, IncidentOwner, IncidentProperties } from './types';

/**
 * Writes an alert's state, as responders left it in chat, onto the Sentinel
 * incident it came from. It syncs a state, not an event: what is written is
 * derived from the alert's current version, so a retry or a replay after a
 * crash writes the same thing, and the comment goes under an id made of the
 * alert id and version so it is added once.
 */

const SENTINEL_CLASSIFICATION: Record<Classification, { classification: IncidentClassification; reason: IncidentClassificationReason }> = {
  true_positive: { classification: 'TruePositive', reason: 'SuspiciousActivity' },
  benign_positive: { classification: 'BenignPositive', reason: 'SuspiciousButExpected' },
  // Sentinel asks why it was false; "the rule's logic" is the usual answer from chat.
  false_positive: { classification: 'FalsePositive', reason: 'IncorrectAlertLogic' },
};

const PLACE: Record<Actor['platform'], string> = {
  teams: 'Teams',
  slack: 'Slack',
  console: 'the console',
  cli: 'the FirstWatch CLI',
  system: 'FirstWatch',
};
const VERB = { acknowledge: 'Acknowledged', escalate: 'Escalated', resolve: 'Resolved', reopen: 'Reopened' } as const;

/** Sentinel comments are rich text: people's words go in as text, never markup. */
export function asPlainText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function who(actor: Actor): string {
  return actor.email ?? actor.displayName ?? actor.id;
}

/** "Acknowledged in Teams by alice@contoso.com", plus classification and note when there are. */
export function commentFor(alert: Alert): string | undefined {
  const change = alert.lastChange;
  if (!change) return undefined;
  let text = `${VERB[change.action]} in ${PLACE[change.actor.platform]} by ${who(change.actor)}`;
  if (change.action === 'resolve' && change.classification) text += ` as ${SENTINEL_CLASSIFICATION[change.classification].classification}`;
  if (change.escalation?.to) text += ` to ${change.escalation.to}`;
  text += ` (FirstWatch ${alert.id}, v${alert.version})`;
  if (change.note) text += `: ${change.note}`;
  return asPlainText(text);
}

/** The Sentinel owner for a responder: the AAD object id from Teams, else the UPN/email Sentinel resolves. */
export function ownerFor(actor: Actor): IncidentOwner | undefined {
  if (actor.platform === 'system') return undefined;
  if (actor.platform === 'teams' && /^[0-9a-f-]{36}$/i.test(actor.id))
    return { objectId: actor.id, ...(actor.email ? { userPrincipalName: actor.email } : {}), assignedTo: actor.displayName };
  if (actor.email) return { userPrincipalName: actor.email, email: actor.email, assignedTo: actor.displayName };
  return undefined;
}

/** Why the incident was not changed the way chat asked, for the card. */
export type Superseded = { by: 'portal-closed'; incident: Incident } | { by: 'portal-reopened'; incident: Incident };

/** The properties the incident should have after this alert state, or undefined when it already has them. */
export function desiredProperties(
  alert: Alert,
  current: IncidentProperties,
): { properties?: IncidentProperties; superseded?: Superseded['by'] } {
  const change = alert.lastChange;
  if (!change) return {};
  const owner = ownerFor(change.actor);
  const base: IncidentProperties = { ...current };
  switch (change.action) {
    case 'acknowledge':
    case 'escalate': {
      // Closed in the portal meanwhile: the portal's later word stands; chat does not reopen it.
      // Our own earlier close (resolved, then reopened and acknowledged before the writer ran) is ours to undo.
      if (current.status === 'Closed' && !closedByUs(alert, current)) return { superseded: 'portal-closed' };
      const next: IncidentProperties =
        current.status === 'Closed'
          ? {
              ...base,
              status: 'Active',
              classification: null,
              classificationReason: null,
              classificationComment: null,
              owner: owner ?? current.owner,
            }
          : { ...base, status: 'Active', owner: owner ?? current.owner };
      return same(current, next) ? {} : { properties: next };
    }
    case 'resolve': {
      const c = alert.classification
        ? SENTINEL_CLASSIFICATION[alert.classification]
        : { classification: 'Undetermined' as const, reason: undefined };
      if (current.status === 'Closed' && current.classification && current.classification !== c.classification)
        return { superseded: 'portal-closed' };
      const next: IncidentProperties = {
        ...base,
        status: 'Closed',
        classification: c.classification,
        classificationReason: c.reason ?? null,
        classificationComment: commentFor(alert) ?? null,
        owner: owner ?? current.owner,
      };
      return same(current, next) ? {} : { properties: next };
    }
    case 'reopen': {
      const next: IncidentProperties = {
        ...base,
        status: 'Active',
        classification: null,
        classificationReason: null,
        classificationComment: null,
      };
      return same(current, next) ? {} : { properties: next };
    }
  }
}

/** Our resolve comment names the alert: "(FirstWatch FW-12, v3)". */
function closedByUs(alert: Alert, current: IncidentProperties): boolean {
  return (current.classificationComment ?? '').includes(`(FirstWatch ${alert.id}, v`);
}

function same(a: IncidentProperties, b: IncidentProperties): boolean {
  const pick = (p: IncidentProperties) => [
    p.status,
    p.classification ?? null,
    p.classificationReason ?? null,
    p.owner?.objectId ?? null,
    p.owner?.userPrincipalName ?? null,
  ];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

export type WriteBackOutcome =
  | { kind: 'written'; incident: Incident; conflicts: number }
  | { kind: 'unchanged'; incident: Incident }
  | { kind: 'superseded'; incident: Incident; reason: Superseded['by'] };

export function commentId(alert: Alert): string {
  return `firstwatch-${alert.id}-v${alert.version}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 64);
}

/**
 * Brings the incident in line with the alert: read, plan from what is there now,
 * write with its etag; on a conflict (someone edited it meanwhile) read again and
 * plan again, so the other change is kept and ours applied on top, up to
 * `maxConflicts` times. The comment is added whatever the outcome: it records
 * what was decided in chat.
 */
export async function writeBack(
  client: SentinelIncidentsClient,
  incidentName: string,
  alert: Alert,
  options: { maxConflicts?: number } = {},
): Promise<WriteBackOutcome> {
  // A change that came from the portal is already there: echoing it would only add noise.
  if (alert.lastChange?.actor.platform === 'system' && alert.lastChange.actor.id === 'sentinel-portal')
    return { kind: 'unchanged', incident: await client.get(incidentName) };
  const maxConflicts = options.maxConflicts ?? 3;
  let conflicts = 0;
  let outcome: WriteBackOutcome;
  for (;;) {
    const current = await client.get(incidentName);
    const plan = desiredProperties(alert, current.properties);
    if (plan.superseded) {
      outcome = { kind: 'superseded', incident: current, reason: plan.superseded };
      break;
    }
    if (!plan.properties) {
      outcome = { kind: 'unchanged', incident: current };
      break;
    }
    try {
      const written = await client.update({ name: incidentName, etag: current.etag, properties: plan.properties });
      outcome = { kind: 'written', incident: written, conflicts };
      break;
    } catch (err) {
      if (!(err instanceof IncidentApiError) || err.kind !== 'conflict' || conflicts >= maxConflicts) throw err;
      conflicts++;
    }
  }
  const message = commentFor(alert);
  if (message) await client.addComment(incidentName, commentId(alert), message);
  return outcome;
}
