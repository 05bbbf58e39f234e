import type { AlertStore, TransitionRequest } from '../store/alert-store';
import { isAlertId } from './alert-id';
import { RefusalBudget } from './access/refusal-budget';
import type { Authorizer, WorkspaceScope } from './authorizer';
import { classificationLabel, isClassification } from './classification';
import { validateNote } from './note';
import { TRANSITIONS, canApply, isNoop } from './state-machine';
import { isSystemActor } from './system-actor';
import { describeStatus, formatUtcTime, statusPhrase } from './status-text';
import type { Actor, Alert, AlertAction, AuditEntry, Classification, EscalationMark, StatusChange } from './types';
import { systemClock, type Clock } from '../time/clock';

/** Where an action came from, and the card version the person saw (button clicks). */
export interface ActionOptions {
  note?: string;
  /** The alert version shown on the clicked card; a lower number (0: unknown) means the card was stale. */
  expectedVersion?: number;
}

export type ActionOutcome = 'allowed' | 'noop' | 'refused';

export interface ActionResult {
  outcome: ActionOutcome;
  /** One sentence for the person who asked. */
  message: string;
  /** The alert as it is after the attempt (absent when it does not exist or the person was refused). */
  alert?: Alert;
}

export type ChangeListener = (alert: Alert, change: StatusChange) => void;

export interface AlertServiceDeps {
  store: AlertStore;
  clock?: Clock;
  authorizer: Authorizer;
  /** Where an escalation goes, in words ("on-call"); shown on the cards as "Escalated by … to …". */
  escalatesTo?: string;
  /** How many refusals per actor are audited one by one (default: 30 a minute). */
  refusalBudget?: RefusalBudget;
}

/** A stale card can lose the race to another click more than once; give up after this many tries. */
const MAX_ATTEMPTS = 5;

const ACTION_NOUN: Readonly<Record<AlertAction, string>> = {
  acknowledge: 'acknowledged',
  escalate: 'escalated',
  resolve: 'resolved',
  reopen: 'reopened',
};

/**
 * Status changes of alerts: authorized, atomic, idempotent and audited. Every
 * attempt (allowed, no-op or refused) leaves one audit line; attempts on an
 * alert that does not exist, or with malformed input, change nothing.
 */
export class AlertService {
  private readonly store: AlertStore;
  private readonly clock: Clock;
  private readonly authorizer: Authorizer;
  private readonly listeners = new Set<ChangeListener>();
  private readonly escalatesTo: string | undefined;
  private readonly refusals: RefusalBudget;

  constructor(deps: AlertServiceDeps) {
    this.refusals = deps.refusalBudget ?? new RefusalBudget();
    this.store = deps.store;
    this.clock = deps.clock ?? systemClock;
    this.authorizer = deps.authorizer;
    this.escalatesTo = deps.escalatesTo;
  }

  /** Called after every committed transition; returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  acknowledge(id: string, actor: Actor, origin: string, opts: Omit<ActionOptions, 'note'> = {}): Promise<ActionResult> {
    return this.act('acknowledge', id, actor, origin, { expectedVersion: opts.expectedVersion });
  }

  escalate(id: string, actor: Actor, origin: string, note?: string, opts: Omit<ActionOptions, 'note'> = {}): Promise<ActionResult> {
    return this.act('escalate', id, actor, origin, { ...opts, note });
  }

  resolve(
    id: string,
    actor: Actor,
    origin: string,
    classification: Classification,
    note?: string,
    opts: Omit<ActionOptions, 'note'> = {},
  ): Promise<ActionResult> {
    return this.act('resolve', id, actor, origin, { ...opts, note }, classification);
  }

  reopen(id: string, actor: Actor, origin: string, note?: string, opts: Omit<ActionOptions, 'note'> = {}): Promise<ActionResult> {
    return this.act('reopen', id, actor, origin, { ...opts, note });
  }

  /**
   * Checks who may do this from where (and, given a workspace, on it) for
   * actions that are not status changes (hunt, view, list). A refusal is
   * audited under `action`; an allowed check is not (the caller audits what it then does).
   */
  async authorize(
    actor: Actor,
    origin: string,
    action: string,
    alertId?: string,
    workspace?: string,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    // FirstWatch's own actions (auto-escalation) are not a person's and are not on any allow-list.
    if (isSystemActor(actor)) return { ok: true };
    const decision = await this.authorizer.check(actor, { origin, ...(workspace !== undefined ? { workspace } : {}) });
    if (decision.ok) return decision;
    await this.refuse({ actor, origin, action, alertId, detail: `not authorized: ${decision.reason}` });
    return { ok: false, message: `Not allowed: ${decision.reason}.` };
  }

  /** The workspaces `actor` may list and hunt from `origin`. */
  async scope(actor: Actor, origin: string): Promise<WorkspaceScope> {
    if (isSystemActor(actor) || this.authorizer.scope === undefined) return { all: true };
    return this.authorizer.scope(actor, origin);
  }

  /**
   * Audits one refused attempt, unless this actor has already had its share of
   * refusal lines this minute (then it is counted, and the next line says how many).
   */
  async refuse(entry: Omit<AuditEntry, 'at' | 'id' | 'outcome'>): Promise<void> {
    const granted = this.refusals.take(`${entry.actor.platform}:${entry.actor.id}`.toLowerCase(), this.clock().getTime());
    if (granted === undefined) return;
    const more =
      granted.dropped > 0
        ? ` (${granted.dropped} earlier refusal${granted.dropped === 1 ? '' : 's'} of this actor not recorded one by one)`
        : '';
    await this.audit({ ...entry, outcome: 'refused', detail: `${entry.detail ?? 'refused'}${more}` });
  }

  /** Appends one audit line stamped with the service clock. */
  async audit(entry: Omit<AuditEntry, 'at' | 'id'>): Promise<AuditEntry> {
    const clean: AuditEntry = { at: this.clock(), actor: entry.actor, action: entry.action, outcome: entry.outcome, origin: entry.origin };
    if (entry.alertId !== undefined) clean.alertId = entry.alertId;
    if (entry.detail !== undefined) clean.detail = entry.detail;
    return this.store.appendAudit(clean);
  }

  private async act(
    action: AlertAction,
    id: string,
    actor: Actor,
    origin: string,
    opts: ActionOptions,
    classification?: Classification,
  ): Promise<ActionResult> {
    // Malformed input is refused (and audited) before anything is read or written.
    const refused = async (message: string, detail: string, alertId?: string): Promise<ActionResult> => {
      await this.refuse({ actor, origin, action, ...(alertId !== undefined ? { alertId } : {}), detail });
      return { outcome: 'refused', message };
    };
    if (!isAlertId(id))
      return refused(
        `"${String(id).slice(0, 40)}" is not an alert id (expected FW-<number>).`,
        `not an alert id: ${JSON.stringify(String(id).slice(0, 40))}`,
      );
    if (action === 'resolve' && !isClassification(classification)) {
      return refused(
        'A resolution needs a classification: true_positive, benign_positive or false_positive.',
        'no valid classification',
        id,
      );
    }
    const note = validateNote(opts.note);
    if (!note.ok) return refused(`Cannot ${action} ${id}: ${note.reason}.`, `invalid note: ${note.reason}`, id);
    if (opts.expectedVersion !== undefined && !(Number.isSafeInteger(opts.expectedVersion) && opts.expectedVersion >= 0)) {
      return refused('The card version must be a non-negative integer.', 'invalid card version', id);
    }

    const auth = await this.authorize(actor, origin, action, id);
    if (!auth.ok) return { outcome: 'refused', message: auth.message };

    let current = await this.store.getAlert(id);
    if (!current) return refused(`There is no alert ${id}.`, 'no such alert', id);
    const inWorkspace = await this.authorize(actor, origin, action, id, current.workspace);
    if (!inWorkspace.ok) return { outcome: 'refused', message: inWorkspace.message };
    const seen = opts.expectedVersion;
    if (seen !== undefined && seen > current.version) {
      return refused(
        `The card claims version ${seen} of ${id}, which is only at version ${current.version}; refresh it and try again.`,
        `card claims version ${seen}, alert is at ${current.version}`,
        id,
      );
    }

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const blocked = this.judge(action, current, classification);
      if (blocked) {
        const stale = seen !== undefined && seen < current.version ? `${id} changed since this card was shown. ` : '';
        await this.audit({ actor, origin, action, alertId: id, outcome: blocked.outcome, detail: blocked.detail });
        return { outcome: blocked.outcome, message: stale + blocked.message, alert: current };
      }

      const at = this.clock();
      const change: StatusChange = { action, actor: { ...actor }, at };
      if (note.note !== undefined) change.note = note.note;
      if (classification !== undefined) change.classification = classification;
      const escalation = this.escalationMark(action, actor, at, note.note, current);
      if (escalation !== undefined) change.escalation = escalation;
      const rule = TRANSITIONS[action];
      const request: TransitionRequest = {
        alertId: id,
        action,
        from: rule.from,
        to: rule.to,
        ifVersion: current.version,
        change,
        audit: {
          at,
          actor,
          action,
          origin,
          detail: auditDetail(current, rule.to, classification, note.note, seen),
        },
      };
      if (action === 'resolve') request.classification = classification;
      if (action === 'reopen') request.classification = null;
      request.replyText = replyText({ ...current, status: rule.to, lastChange: change, classification }, note.note);

      const result = await this.store.transition(request);
      if (result.ok) {
        this.emit(result.alert, change);
        const prefix =
          seen !== undefined && seen < result.previous.version
            ? `The card was out of date: ${id} was ${statusPhrase(result.previous)}${byWhom(result.previous)}. `
            : '';
        const done = `${id} ${ACTION_NOUN[action]}${classification ? ` as ${classificationLabel(classification)}` : ''} by ${actor.displayName}.`;
        return { outcome: 'allowed', message: prefix + done, alert: result.alert };
      }
      if (result.reason === 'not_found') return refused(`There is no alert ${id}.`, 'no such alert', id);
      // Someone else changed it between our read and our write: judge again against what is there now,
      // so the audit line and the reply describe the state actually left behind.
      current = result.alert;
    }
    const detail = `gave up after ${MAX_ATTEMPTS} concurrent changes`;
    await this.audit({ actor, origin, action, alertId: id, outcome: 'failed', detail });
    return { outcome: 'refused', message: `${id} kept changing while ${action} was attempted; look at it and try again.`, alert: current };
  }

  /** A new escalation is marked; later changes carry the latest one until the alert is reopened. */
  private escalationMark(
    action: AlertAction,
    actor: Actor,
    at: Date,
    note: string | undefined,
    current: Alert,
  ): EscalationMark | undefined {
    if (action === 'escalate') {
      const mark: EscalationMark = { by: actor.displayName, at: at.toISOString() };
      if (this.escalatesTo !== undefined) mark.to = this.escalatesTo;
      if (note !== undefined) mark.note = note;
      if (isSystemActor(actor)) mark.auto = true;
      return mark;
    }
    if (action === 'reopen') return undefined;
    const previous = current.lastChange?.escalation;
    return previous === undefined ? undefined : { ...previous };
  }

  /** Why the action does not apply to the alert as it is, or undefined when it does. */
  private judge(
    action: AlertAction,
    alert: Alert,
    classification?: Classification,
  ): { outcome: 'noop' | 'refused'; message: string; detail: string } | undefined {
    const id = alert.id;
    if (canApply(action, alert.status)) return undefined;
    if (isNoop(action, alert.status)) {
      if (action === 'resolve' && alert.classification !== classification) {
        const label = classification ? classificationLabel(classification) : 'another classification';
        return {
          outcome: 'refused',
          message: `${id} is already ${statusPhrase(alert)}${byWhom(alert)}; reopen it first to classify it as ${label}.`,
          detail: `already ${statusPhrase(alert)}; asked for ${classification ?? 'none'}`,
        };
      }
      return {
        outcome: 'noop',
        message: `${id} is already ${statusPhrase(alert)}${byWhom(alert)}.`,
        detail: `already ${statusPhrase(alert)}${alert.lastChange ? ` by ${alert.lastChange.actor.displayName}` : ''}`,
      };
    }
    if (alert.status === 'resolved') {
      return {
        outcome: 'refused',
        message: `${id} is ${statusPhrase(alert)}${byWhom(alert)}; reopen it first.`,
        detail: `${alert.status}; ${action} needs ${TRANSITIONS[action].from.join(' or ')}`,
      };
    }
    return {
      outcome: 'refused',
      message: `${id} is ${statusPhrase(alert)}, not resolved; only a resolved alert can be reopened.`,
      detail: `${alert.status}; ${action} needs ${TRANSITIONS[action].from.join(' or ')}`,
    };
  }

  private emit(alert: Alert, change: StatusChange): void {
    for (const listener of this.listeners) {
      try {
        listener(alert, change);
      } catch {
        // A listener's failure must not turn a committed change into an error for the person who made it.
      }
    }
  }
}

/** " by Alex Wilber at 14:02 UTC", or "" for an untouched alert. */
function byWhom(alert: Alert): string {
  const c = alert.lastChange;
  return c ? ` by ${c.actor.displayName} at ${formatUtcTime(c.at)}` : '';
}

function auditDetail(from: Alert, to: Alert['status'], classification?: Classification, note?: string, seen?: number): string {
  const parts = [`${from.status} → ${to}`];
  if (classification) parts.push(`classification ${classification}`);
  if (seen !== undefined && seen < from.version) parts.push(`card showed v${seen}, alert was v${from.version}`);
  if (note) parts.push(`note: ${note}`);
  return parts.join('; ');
}

/** The thread reply, one line: "Acknowledged by Alex Wilber · 14:02 UTC — note" (a note's line breaks become " / "). */
function replyText(alert: Pick<Alert, 'status' | 'lastChange' | 'classification'>, note?: string): string {
  const line = describeStatus(alert);
  return note ? `${line} — ${note.replace(/\s*[\r\n]+\s*/g, ' / ')}` : line;
}
