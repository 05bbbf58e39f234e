import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor, Alert, HuntReport } from '../../../alerts/types';
import type { Logger } from '../../../logging/logger';
import type { CommandContext, CommandReply, HuntRunner } from '../../../alerts/commands';
import type { SlackIdentity } from '../identity';
import type { SlackPlatform } from '../platform';
import type { TaskTracker } from '../../task-tracker';
import type { ModalRequest } from './modal-metadata';
import type { Clock } from '../../../time/clock';

/** The two calls Slack makes on the shared command router. */
export interface SlackCommandRouter {
  handleText(text: unknown, ctx: CommandContext): Promise<CommandReply>;
  handleAction(payload: unknown, ctx: CommandContext): Promise<CommandReply>;
}

/** An allow-list check before a modal is opened (AlertService.authorize). */
export type AuthorizeFn = (
  actor: Actor,
  origin: string,
  action: string,
  alertId?: string,
) => Promise<{ ok: true } | { ok: false; message: string }>;

export type HuntVisibility = 'ephemeral' | 'in_channel';

export interface SlackHandlerDeps {
  router: SlackCommandRouter;
  hunt?: HuntRunner;
  identity: SlackIdentity;
  platform: SlackPlatform;
  /** The interactive client (ephemeral messages, views.open). */
  client: WebClient;
  logger: Logger;
  onTransition?: (alert: Alert) => void;
  authorize?: AuthorizeFn;
  getAlert?: (id: string) => Promise<Alert | undefined>;
  huntVisibility: HuntVisibility;
  huntTimeoutMs: number;
  clock: Clock;
  renderReply: (reply: CommandReply) => { text: string; blocks?: unknown[] };
  renderHunt: (report: HuntReport) => { text: string; blocks?: unknown[] };
  buildModal: (request: ModalRequest) => Record<string, unknown>;
  tasks: TaskTracker;
}

/** Where to tell one person something only they should see. */
export interface PrivateReplyTarget {
  user: string;
  channel?: string;
  threadTs?: string;
  respond?: RespondFn;
}
