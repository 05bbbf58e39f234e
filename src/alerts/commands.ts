import type { Actor, Alert, AuditEntry, Classification } from './types';

/** Card buttons carry this payload (Teams Action.Execute data, Slack button value). */
export type CardVerb = 'ack' | 'escalate' | 'resolve' | 'reopen' | 'hunt';

export interface CardActionPayload {
  verb: CardVerb;
  alertId: string;
  /** The alert version the card showed when it was clicked. */
  version: number;
  note?: string;
  classification?: Classification;
}

/** Who is asking, and from where (for authorization and the audit log). */
export interface CommandContext {
  actor: Actor;
  /** "slack:C123", "teams:<conversation id>", "cli". */
  origin: string;
}

/** A copy of the alert's card the outbox stopped posting or redrawing, or is still retrying, and what the service said. */
export interface DeliveryProblem {
  platform: string;
  target: string;
  /** post: the card never reached the channel; redraw: the posted card no longer follows the alert. */
  what: 'post' | 'redraw';
  /** failed: given up; waiting: needs a setup fix; retrying: a transient failure, tried again later. */
  state: 'failed' | 'waiting' | 'retrying';
  reason: string;
}

/** What a command or button produced; each platform renders it its own way (cards/). */
export type CommandReply =
  | { kind: 'text'; text: string }
  | { kind: 'error'; message: string }
  | { kind: 'alert'; alert: Alert; message?: string }
  | { kind: 'alerts'; alerts: Alert[]; scope: 'open' | 'all' }
  | { kind: 'alert-detail'; alert: Alert; audit: AuditEntry[]; deliveryProblems?: DeliveryProblem[] }
  | { kind: 'help'; commands: CommandHelp[] }
  | { kind: 'hunt'; request: HuntRequest };

export interface CommandHelp {
  usage: string;
  summary: string;
}

/** A validated hunt request; running it is the hunt module's job. */
export interface HuntRequest {
  upn: string;
  /** Look-back in milliseconds, already bounded by configuration. */
  lookbackMs: number;
  /** The alert whose card asked for it, when it came from a button. */
  alertId?: string;
  /** One configured workspace to ask (its name); absent: every workspace. */
  workspace?: string;
}

/** Runs a validated hunt (throws with a readable message when the query fails). */
export interface HuntRunner {
  run(request: HuntRequest, ctx: CommandContext): Promise<import('./types').HuntReport>;
}
