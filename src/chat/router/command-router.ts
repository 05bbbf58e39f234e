import { parseAlertId } from '../../alerts/alert-id';
import type { ActionResult, AlertService } from '../../alerts/alert-service';
import { parseClassification } from '../../alerts/classification';
import type { PerUserHuntLimit } from '../../alerts/hunt/per-user-limit';
import { parseLookback, validateUpn } from '../../alerts/hunt/upn';
import { validateNote } from '../../alerts/note';
import type { Actor, Classification } from '../../alerts/types';
import type { AlertStore } from '../../store/alert-store';
import type { Delivery, OutboxStore } from '../../store/outbox-store';
import type { CommandContext, CommandReply, DeliveryProblem, HuntRequest } from '../../alerts/commands';
import { parseCardActionPayload } from '../../cards/payload';
import { formatInOneUnit } from '../../time/duration';
import type { Command } from './command';
import { USAGE, helpCommands, type CommandName } from './help';
import { normalizeCommandText, splitWords } from './normalize-text';

export interface HuntLimits {
  defaultMs: number;
  maxMs: number;
}

export interface CommandRouterDeps {
  alerts: AlertService;
  store: AlertStore;
  /** The outbox, for the copies of a card that `alert <id>` reports as not delivered or not redrawn. */
  deliveries?: Pick<OutboxStore, 'listDeliveries'>;
  huntLimits: HuntLimits;
  /** Names of the workspaces a hunt may be limited to; with two or more, `hunt <upn> [lookback] [workspace]`. */
  workspaces?: readonly string[];
  /** Told of every command and button once it is answered (metrics); a hook that throws is ignored. */
  onInteraction?: (event: InteractionEvent) => void;
  /** Hunts one person may start per window (fair use); absent: no limit. */
  huntsPerUser?: PerUserHuntLimit;
  /** The time for the per-user hunt limit. */
  clock?: () => Date;
}

/** One command or button the router handled: what came in, from whom, and the answer (or what it threw). */
export type InteractionEvent = {
  type: 'text' | 'action' | 'command';
  /** The text, button payload or structured command as it was passed in. */
  input: unknown;
  ctx: CommandContext;
} & ({ reply: CommandReply } | { error: unknown });

const MAX_TEXT = 4000;
const LIST_LIMIT = 25;
const TRAIL_LIMIT = 50;

const VERBS: Readonly<Record<string, CommandName>> = {
  ack: 'ack',
  acknowledge: 'ack',
  escalate: 'escalate',
  resolve: 'resolve',
  reopen: 'reopen',
  alerts: 'alerts',
  alert: 'alert',
  hunt: 'hunt',
  help: 'help',
};

const ACTOR_PLATFORMS = new Set(['teams', 'slack', 'console', 'cli', 'system']);

function error(message: string, usage?: string): CommandReply {
  return { kind: 'error', message: usage ? `${message}\nUsage: ${usage}` : message };
}

function fromResult(r: ActionResult): CommandReply {
  if (r.outcome === 'refused' || !r.alert) return { kind: 'error', message: r.message };
  return { kind: 'alert', alert: r.alert, message: r.message };
}

/** Why a context cannot be acted for, or undefined when it is well formed. */
function contextProblem(ctx: unknown): string | undefined {
  const c = ctx as Partial<CommandContext> | null;
  if (typeof ctx !== 'object' || c === null) return 'no requester';
  const a = c.actor as Partial<Actor> | undefined;
  if (typeof a !== 'object' || a === null) return 'no requester';
  if (typeof a.platform !== 'string' || !ACTOR_PLATFORMS.has(a.platform)) return 'the requester has no known platform';
  if (typeof a.id !== 'string' || a.id.length === 0) return 'the requester has no id';
  if (typeof a.displayName !== 'string') return 'the requester has no display name';
  if (a.email !== undefined && typeof a.email !== 'string') return 'the requester email is not text';
  if (typeof c.origin !== 'string') return 'the request has no origin';
  return undefined;
}

/**
 * The one command interpreter behind Slack, Teams and the CLI. Text commands
 * and card buttons end in the same AlertService calls; anything malformed is
 * answered with what was wrong and the usage, and changes nothing.
 */
export class CommandRouter {
  private readonly alerts: AlertService;
  private readonly store: AlertStore;
  private readonly hunt: HuntLimits;
  private readonly workspaces: readonly string[];
  private readonly onInteraction: ((event: InteractionEvent) => void) | undefined;
  private readonly huntsPerUser: PerUserHuntLimit | undefined;
  private readonly clock: () => Date;
  private readonly deliveries: Pick<OutboxStore, 'listDeliveries'> | undefined;

  constructor(deps: CommandRouterDeps) {
    const { defaultMs, maxMs } = deps.huntLimits;
    if (!Number.isSafeInteger(defaultMs) || !Number.isSafeInteger(maxMs) || defaultMs < 1 || maxMs < defaultMs) {
      throw new Error('huntLimits need positive integer defaultMs ≤ maxMs');
    }
    this.alerts = deps.alerts;
    this.store = deps.store;
    this.hunt = { defaultMs, maxMs };
    this.workspaces = [...(deps.workspaces ?? [])];
    this.onInteraction = deps.onInteraction;
    this.huntsPerUser = deps.huntsPerUser;
    this.clock = deps.clock ?? (() => new Date());
    this.deliveries = deps.deliveries;
  }

  /** A refusal answered to the person and audited (rate-limited per actor by the service). */
  private async refused(ctx: CommandContext, action: string, message: string, detail: string, alertId?: string): Promise<CommandReply> {
    await this.alerts.refuse({ actor: ctx.actor, origin: ctx.origin, action, detail, ...(alertId !== undefined ? { alertId } : {}) });
    return { kind: 'error', message };
  }

  async handleText(text: unknown, ctx: CommandContext): Promise<CommandReply> {
    return this.observed('text', text, ctx, () => this.text(text, ctx));
  }

  async handleAction(payload: unknown, ctx: CommandContext): Promise<CommandReply> {
    return this.observed('action', payload, ctx, () => this.action(payload, ctx));
  }

  private async observed(
    type: InteractionEvent['type'],
    input: unknown,
    ctx: CommandContext,
    work: () => Promise<CommandReply>,
  ): Promise<CommandReply> {
    let reply: CommandReply;
    try {
      reply = await work();
    } catch (error) {
      this.tell({ type, input, ctx, error });
      throw error;
    }
    this.tell({ type, input, ctx, reply });
    return reply;
  }

  private tell(event: InteractionEvent): void {
    try {
      this.onInteraction?.(event);
    } catch {
      // Metrics are not worth a failed command: the answer stands.
    }
  }

  private async text(text: unknown, ctx: CommandContext): Promise<CommandReply> {
    const problem = contextProblem(ctx);
    if (problem) return error(`Cannot act on this message: ${problem}.`);
    if (typeof text !== 'string') return error('The command must be text.', 'help');
    if (text.length > MAX_TEXT) return error(`The command is ${text.length} characters long; the limit is ${MAX_TEXT}.`);

    const normalized = normalizeCommandText(text);
    if (normalized.length === 0) return this.help();
    const { words, rest } = splitWords(normalized, 1);
    const typed = words[0].replace(/^\//, '').toLowerCase();
    const command = Object.prototype.hasOwnProperty.call(VERBS, typed) ? VERBS[typed] : undefined;
    if (!command) {
      const shown = words[0].slice(0, 40);
      return error(`Unknown command "${shown}".\nCommands:\n${Object.values(USAGE).join('\n')}`);
    }

    const parsed = this.commandFromText(command, rest);
    if (!('kind' in parsed)) return this.run(parsed, ctx);
    if (parsed.kind === 'error')
      await this.alerts.refuse({
        actor: ctx.actor,
        origin: ctx.origin,
        action: command,
        detail: `malformed command: ${parsed.message.split('\n')[0]}`,
      });
    return parsed;
  }

  /** A command already split into its parts (the CLI's): validated and run exactly as the same words typed in chat. */
  async handleCommand(command: Command, ctx: CommandContext): Promise<CommandReply> {
    return this.observed('command', command, ctx, () => {
      const problem = contextProblem(ctx);
      if (problem) return Promise.resolve(error(`Cannot act on this command: ${problem}.`));
      return this.run(command, ctx);
    });
  }

  private async action(payload: unknown, ctx: CommandContext): Promise<CommandReply> {
    const problem = contextProblem(ctx);
    if (problem) return error(`Cannot act on this button: ${problem}.`);
    const parsed = parseCardActionPayload(payload);
    if (!parsed.ok)
      return this.refused(ctx, 'button', `That button could not be used: ${parsed.reason}.`, `malformed button: ${parsed.reason}`);
    const p = parsed.payload;
    const opts = { expectedVersion: p.version };
    const { actor, origin } = ctx;
    switch (p.verb) {
      case 'ack':
        return fromResult(await this.alerts.acknowledge(p.alertId, actor, origin, opts));
      case 'escalate':
        return fromResult(await this.alerts.escalate(p.alertId, actor, origin, p.note, opts));
      case 'resolve':
        // parseCardActionPayload guarantees a classification for resolve.
        return fromResult(await this.alerts.resolve(p.alertId, actor, origin, p.classification ?? 'true_positive', p.note, opts));
      case 'reopen':
        return fromResult(await this.alerts.reopen(p.alertId, actor, origin, p.note, opts));
      case 'hunt':
        return this.huntFromAlert(p.alertId, ctx);
    }
  }

  private help(): CommandReply {
    return { kind: 'help', commands: helpCommands(formatInOneUnit(this.hunt.defaultMs), formatInOneUnit(this.hunt.maxMs)) };
  }

  /** The words after the verb → a command, or what is wrong with their shape. */
  private commandFromText(command: CommandName, args: string): Command | CommandReply {
    switch (command) {
      case 'help':
        return { verb: 'help' };
      case 'alerts': {
        const { words, rest } = splitWords(args, 1);
        if (rest.length > 0) return error(`"${args.slice(0, 40)}" is not a list scope; use open or all.`, USAGE.alerts);
        return words[0] === undefined ? { verb: 'alerts' } : { verb: 'alerts', scope: words[0] };
      }
      case 'alert':
      case 'ack': {
        const { words, rest } = splitWords(args, 1);
        if (words.length === 0) return error(`${command} needs an alert id.`, USAGE[command]);
        // An invalid id is reported as such (by run) before the words after it.
        if (rest.length > 0 && parseAlertId(words[0])) return error(`${command} takes only an alert id.`, USAGE[command]);
        return { verb: command, alertId: words[0] };
      }
      case 'escalate':
      case 'reopen': {
        const { words, rest } = splitWords(args, 1);
        if (words.length === 0) return error(`${command} needs an alert id.`, USAGE[command]);
        return { verb: command, alertId: words[0], note: rest };
      }
      case 'resolve': {
        const { words, rest } = splitWords(args, 2);
        if (words.length === 0) return error('resolve needs an alert id.', USAGE.resolve);
        const id = parseAlertId(words[0]);
        if (id && words.length < 2) return error(`resolve needs a classification for ${id}.`, USAGE.resolve);
        return { verb: 'resolve', alertId: words[0], classification: words[1] ?? '', note: rest };
      }
      case 'hunt':
        return this.huntFromText(args);
    }
  }

  private huntFromText(args: string): Command | CommandReply {
    const several = this.workspaces.length > 1;
    const { words, rest } = splitWords(args, several ? 3 : 2);
    if (words.length === 0) return error('hunt needs a UPN.', USAGE.hunt);
    if (rest.length > 0) return error(`hunt takes a UPN and an optional look-back${several ? ' and workspace' : ''} only.`, USAGE.hunt);
    // With several workspaces the last word may name one: "hunt alex@contoso.com 7d fabrikam" or "hunt alex@contoso.com fabrikam".
    let workspace: string | undefined;
    if (several && words.length > 1) {
      const last = words[words.length - 1] as string;
      workspace = this.workspaces.find((w) => w.toLowerCase() === last.toLowerCase());
      if (workspace !== undefined) words.pop();
      else if (words.length === 3)
        return error(`Cannot hunt: there is no workspace "${last}" (workspaces: ${this.workspaces.join(', ')}).`, USAGE.hunt);
    }
    return {
      verb: 'hunt',
      upn: words[0],
      ...(words[1] !== undefined ? { lookback: words[1] } : {}),
      ...(workspace !== undefined ? { workspace } : {}),
    };
  }

  /** Validates a command's values and acts; the one path for typed text and the CLI. */
  private async run(command: Command, ctx: CommandContext): Promise<CommandReply> {
    switch (command.verb) {
      case 'help':
        return this.help();
      case 'alerts':
        return this.listAlerts(command.scope, ctx);
      case 'alert':
        return this.showAlert(command.alertId, ctx);
      case 'hunt':
        return this.huntCommand(command, ctx);
      case 'ack':
      case 'escalate':
      case 'reopen':
      case 'resolve':
        return this.change(command, ctx);
    }
  }

  private async change(
    command: Extract<Command, { alertId: string; verb: 'ack' | 'escalate' | 'reopen' | 'resolve' }>,
    ctx: CommandContext,
  ): Promise<CommandReply> {
    const usage = USAGE[command.verb];
    const action = command.verb === 'ack' ? 'acknowledge' : command.verb;
    const id = parseAlertId(command.alertId);
    if (!id) {
      return this.refused(
        ctx,
        action,
        `"${command.alertId.slice(0, 40)}" is not an alert id (expected FW-<number>).\nUsage: ${usage}`,
        `not an alert id: ${JSON.stringify(command.alertId.slice(0, 40))}`,
      );
    }
    if (command.verb === 'ack') return fromResult(await this.alerts.acknowledge(id, ctx.actor, ctx.origin));
    let classification: Classification | undefined;
    if (command.verb === 'resolve') {
      if (command.classification.trim() === '')
        return this.refused(ctx, action, `resolve needs a classification for ${id}.\nUsage: ${usage}`, 'no classification', id);
      classification = parseClassification(command.classification);
      if (!classification) {
        return this.refused(
          ctx,
          action,
          `"${command.classification.slice(0, 40)}" is not a classification; use tp, bp or fp (true_positive, benign_positive, false_positive).\nUsage: ${usage}`,
          `not a classification: ${JSON.stringify(command.classification.slice(0, 40))}`,
          id,
        );
      }
    }
    const note = validateNote(command.note);
    if (!note.ok)
      return this.refused(
        ctx,
        action,
        `Cannot ${command.verb} ${id}: ${note.reason}.\nUsage: ${usage}`,
        `invalid note: ${note.reason}`,
        id,
      );
    switch (command.verb) {
      case 'escalate':
        return fromResult(await this.alerts.escalate(id, ctx.actor, ctx.origin, note.note));
      case 'reopen':
        return fromResult(await this.alerts.reopen(id, ctx.actor, ctx.origin, note.note));
      case 'resolve':
        return fromResult(await this.alerts.resolve(id, ctx.actor, ctx.origin, classification ?? 'true_positive', note.note));
    }
  }

  private async listAlerts(given: string | undefined, ctx: CommandContext): Promise<CommandReply> {
    const scope = (given ?? 'open').toLowerCase();
    if (scope !== 'open' && scope !== 'all')
      return error(`"${(given ?? '').slice(0, 40)}" is not a list scope; use open or all.`, USAGE.alerts);
    const auth = await this.alerts.authorize(ctx.actor, ctx.origin, 'list');
    if (!auth.ok) return error(auth.message);
    // Only the workspaces this person may see from here are listed.
    const allowed = await this.alerts.scope(ctx.actor, ctx.origin);
    const workspaces = allowed.all ? {} : { workspaces: allowed.workspaces };
    return { kind: 'alerts', alerts: await this.store.listAlerts({ status: scope, limit: LIST_LIMIT, ...workspaces }), scope };
  }

  private async showAlert(alertId: string, ctx: CommandContext): Promise<CommandReply> {
    const id = parseAlertId(alertId);
    if (!id)
      return this.refused(
        ctx,
        'view',
        `"${alertId.slice(0, 40)}" is not an alert id (expected FW-<number>).\nUsage: ${USAGE.alert}`,
        `not an alert id: ${JSON.stringify(alertId.slice(0, 40))}`,
      );
    const auth = await this.alerts.authorize(ctx.actor, ctx.origin, 'view', id);
    if (!auth.ok) return error(auth.message);
    const alert = await this.store.getAlert(id);
    if (!alert) return this.refused(ctx, 'view', `There is no alert ${id}.\nUsage: ${USAGE.alert}`, 'no such alert', id);
    const inWorkspace = await this.alerts.authorize(ctx.actor, ctx.origin, 'view', id, alert.workspace);
    if (!inWorkspace.ok) return error(inWorkspace.message);
    const audit = await this.store.listAudit({ alertId: id, limit: TRAIL_LIMIT });
    const problems = this.deliveries === undefined ? [] : (await this.deliveries.listDeliveries(id)).flatMap(deliveryProblem);
    return problems.length > 0
      ? { kind: 'alert-detail', alert, audit, deliveryProblems: problems }
      : { kind: 'alert-detail', alert, audit };
  }

  private async huntCommand(command: Extract<Command, { verb: 'hunt' }>, ctx: CommandContext): Promise<CommandReply> {
    const refuse = (message: string, detail: string): Promise<CommandReply> =>
      this.refused(ctx, 'hunt', `${message}\nUsage: ${USAGE.hunt}`, detail);
    let workspace: string | undefined;
    if (command.workspace !== undefined) {
      const wanted = command.workspace;
      workspace = this.workspaces.find((w) => w.toLowerCase() === wanted.toLowerCase());
      if (workspace === undefined) {
        return refuse(
          `Cannot hunt: there is no workspace "${wanted.slice(0, 40)}" (workspaces: ${this.workspaces.join(', ')}).`,
          `no workspace ${JSON.stringify(wanted.slice(0, 40))}`,
        );
      }
    }
    const upn = validateUpn(command.upn);
    if (!upn.ok) return refuse(`Cannot hunt: ${upn.reason}.`, `invalid UPN: ${upn.reason}`);
    const lookback = parseLookback(command.lookback, { default: this.hunt.defaultMs, max: this.hunt.maxMs });
    if (!lookback.ok) return refuse(`Cannot hunt: ${lookback.reason}.`, `invalid look-back: ${lookback.reason}`);
    return this.startHunt({ upn: upn.upn, lookbackMs: lookback.ms, ...(workspace !== undefined ? { workspace } : {}) }, ctx);
  }

  private async huntFromAlert(alertId: string, ctx: CommandContext): Promise<CommandReply> {
    const alert = await this.store.getAlert(alertId);
    if (!alert) return this.refused(ctx, 'hunt', `There is no alert ${alertId}.`, 'no such alert', alertId);
    if (!alert.subject.upn)
      return this.refused(ctx, 'hunt', `${alertId} names no account to hunt on.`, 'the alert names no account', alertId);
    const upn = validateUpn(alert.subject.upn);
    if (!upn.ok)
      return this.refused(ctx, 'hunt', `Cannot hunt on ${alertId}'s account: ${upn.reason}.`, `invalid UPN: ${upn.reason}`, alertId);
    const inWorkspace = await this.alerts.authorize(ctx.actor, ctx.origin, 'hunt', alertId, alert.workspace);
    if (!inWorkspace.ok) return error(inWorkspace.message);
    // A person limited to some workspaces hunts where the alert came from.
    const scope = await this.alerts.scope(ctx.actor, ctx.origin);
    const workspace = scope.all || !this.workspaces.includes(alert.workspace) ? {} : { workspace: alert.workspace };
    return this.startHunt({ upn: upn.upn, lookbackMs: this.hunt.defaultMs, alertId, ...workspace }, ctx);
  }

  private async startHunt(request: HuntRequest, ctx: CommandContext): Promise<CommandReply> {
    const auth = await this.alerts.authorize(ctx.actor, ctx.origin, 'hunt', request.alertId, request.workspace);
    if (!auth.ok) return error(auth.message);
    let scoped = request;
    if (request.workspace === undefined) {
      // "Every workspace" means every workspace this person may see from here.
      const scope = await this.alerts.scope(ctx.actor, ctx.origin);
      if (!scope.all) {
        const only = scope.workspaces.length === 1 ? scope.workspaces[0] : undefined;
        if (only === undefined) {
          return this.refused(
            ctx,
            'hunt',
            `Cannot hunt every workspace: ${scope.reason}. Name one: hunt ${request.upn} ${formatInOneUnit(request.lookbackMs)} <workspace>.`,
            `every workspace asked, ${scope.reason}`,
            request.alertId,
          );
        }
        scoped = { ...request, workspace: only };
      }
    }
    if (this.huntsPerUser !== undefined) {
      const who = `${ctx.actor.platform}:${ctx.actor.id}`.toLowerCase();
      const turn = this.huntsPerUser.take(who, this.clock().getTime());
      if (!turn.ok) {
        const wait = Math.ceil(turn.retryInMs / 1000);
        return this.refused(
          ctx,
          'hunt',
          `Hunt limit reached: ${this.huntsPerUser.perWindow} hunts a minute per person. Try again in ${wait} s.`,
          `per-user hunt limit (${this.huntsPerUser.perWindow} a minute) reached`,
          request.alertId,
        );
      }
    }
    await this.alerts.audit({
      actor: ctx.actor,
      origin: ctx.origin,
      action: 'hunt',
      alertId: scoped.alertId,
      outcome: 'allowed',
      detail: `requested: upn ${scoped.upn}, look-back ${formatInOneUnit(scoped.lookbackMs)}${scoped.workspace !== undefined ? `, workspace ${scoped.workspace}` : ''}`,
    });
    return { kind: 'hunt', request: scoped };
  }
}

/** What went wrong with one copy of a card, or nothing when it is posted and drawn (or still on its way). */
function deliveryProblem(d: Delivery): DeliveryProblem[] {
  const where = { platform: d.platform, target: d.target };
  if (d.redraw !== undefined) return [{ ...where, what: 'redraw', state: d.redraw.state, reason: d.redraw.reason }];
  if (d.state === 'waiting') return [{ ...where, what: 'post', state: 'waiting', reason: d.lastError ?? '' }];
  if (d.state === 'failed')
    return [{ ...where, what: 'post', state: d.nextAttemptAt === undefined ? 'failed' : 'retrying', reason: d.lastError ?? '' }];
  if (d.state === 'posted' && d.renderAttempts > 0) return [{ ...where, what: 'redraw', state: 'retrying', reason: d.lastError ?? '' }];
  return [];
}
