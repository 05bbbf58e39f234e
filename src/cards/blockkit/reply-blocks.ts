import type { AuditEntry } from '../../alerts/types';
import type { CommandReply } from '../../alerts/commands';
import { toAlertView } from '../alert-view';
import type { CardContext } from '../context';
import { durationShortWords } from '../../time/duration';
import { formatAge, formatUtc } from '../../time/when';
import { deliveryProblemLines } from '../delivery-problems';
import { alertBlocks, alertFallback, type SlackMessage } from './alert-message';
import { blocksChars, listSection, mrkdwn, plain, safeMrkdwn, section, SLACK_LIMITS, type SlackBlock } from './mrkdwn';

const STATUS_WORD = { open: 'Open', acknowledged: 'Acknowledged', escalated: 'Escalated', resolved: 'Resolved' } as const;

/** Rows a list or audit trail shows before "…and N more". */
export const MAX_LIST_ROWS = 25;

function messageReply(text: string, error: boolean): SlackMessage {
  const body = error
    ? `:warning: ${safeMrkdwn(text, SLACK_LIMITS.sectionText - 12, true)}`
    : safeMrkdwn(text, SLACK_LIMITS.sectionText, true);
  return { text: safeMrkdwn(error ? `Error: ${text}` : text, 300), blocks: [section(body)] };
}

function fit(build: (level: number) => SlackBlock[]): SlackBlock[] {
  let blocks: SlackBlock[] = [];
  for (let level = 0; level < 3; level++) {
    blocks = build(level);
    if (blocksChars(blocks) <= SLACK_LIMITS.messageChars && blocks.length <= SLACK_LIMITS.blocks) break;
  }
  return blocks;
}

function alertList(reply: Extract<CommandReply, { kind: 'alerts' }>, ctx: CardContext): SlackMessage {
  const title = `${reply.scope === 'open' ? 'Open alerts' : 'All alerts'} (${reply.alerts.length})`;
  if (reply.alerts.length === 0) {
    return {
      text: title,
      blocks: [
        { type: 'header', text: plain(title, SLACK_LIMITS.headerText) },
        section(reply.scope === 'open' ? 'No open alerts. :tada:' : 'No alerts yet.'),
      ],
    };
  }
  const lines = reply.alerts
    .slice(0, MAX_LIST_ROWS)
    .map((a) => `• *${a.id}* · ${STATUS_WORD[a.status]} · ${formatAge(a.eventTime, ctx.now)} — ${safeMrkdwn(a.title, 150)}`);
  const list = listSection('Alert · status · age — title', lines, 'alerts');
  const blocks: SlackBlock[] = [{ type: 'header', text: plain(title, SLACK_LIMITS.headerText) }];
  if (list) blocks.push(list);
  if (reply.alerts.length > MAX_LIST_ROWS)
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${reply.alerts.length - MAX_LIST_ROWS} more alerts`)] });
  return { text: title, blocks };
}

function auditLines(audit: AuditEntry[], ctx: CardContext, max: number): string[] {
  const shown = audit.slice(Math.max(0, audit.length - max));
  const lines = shown.map((e) => {
    const detail = e.detail ? ` — ${safeMrkdwn(e.detail, 200)}` : '';
    return `• ${formatUtc(e.at, ctx.now)} · ${safeMrkdwn(e.actor.displayName, 80)} · ${safeMrkdwn(e.action, 40)} · ${e.outcome}${detail}`;
  });
  if (shown.length < audit.length) lines.unshift(`_${audit.length - shown.length} earlier entries not shown_`);
  return lines;
}

function detail(reply: Extract<CommandReply, { kind: 'alert-detail' }>, ctx: CardContext): SlackMessage {
  const view = toAlertView(reply.alert, ctx);
  const blocks = fit((level) => {
    const trail = listSection(
      'Audit trail',
      auditLines(reply.audit, ctx, [MAX_LIST_ROWS, 10, 5][level]),
      'entries',
      [SLACK_LIMITS.sectionText, 1500, 800][level],
    );
    const problems = listSection(
      'Delivery problems',
      deliveryProblemLines(reply.deliveryProblems).map((l) => `• ${safeMrkdwn(l, 400)}`),
      'copies',
    );
    return [...alertBlocks(view, level), trail ?? section('*Audit trail*\nNo actions recorded yet.'), ...(problems ? [problems] : [])];
  });
  return { text: alertFallback(view), blocks };
}

function alertReply(reply: Extract<CommandReply, { kind: 'alert' }>, ctx: CardContext): SlackMessage {
  const view = toAlertView(reply.alert, ctx);
  const blocks = fit((level) => [...(reply.message ? [section(safeMrkdwn(reply.message, 1000, true))] : []), ...alertBlocks(view, level)]);
  return { text: reply.message ? safeMrkdwn(reply.message, 300) : alertFallback(view), blocks };
}

function help(reply: Extract<CommandReply, { kind: 'help' }>): SlackMessage {
  const lines = reply.commands.map((c) => {
    const usage = safeMrkdwn(c.usage, 200);
    return `• ${usage.includes('`') ? usage : `\`${usage}\``} — ${safeMrkdwn(c.summary, 400)}`;
  });
  const list = listSection('FirstWatch commands', lines, 'commands');
  return { text: 'FirstWatch commands', blocks: [list ?? section('*FirstWatch commands*')] };
}

/** The small message posted while a hunt runs; the hunt result replaces it. */
export function huntPendingBlocks(upn: string, opts: { alertId?: string; lookbackMs?: number } = {}): SlackMessage {
  const scope = [
    opts.lookbackMs !== undefined ? `last ${durationShortWords(opts.lookbackMs)}` : undefined,
    opts.alertId ? `from ${opts.alertId}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const who = safeMrkdwn(upn, 300);
  const blocks: SlackBlock[] = [section(`:mag: *Hunting ${who}…*`)];
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `Searching the workspace${scope.length ? ` (${safeMrkdwn(scope.join(', '), 200)})` : ''}. The results will replace this message.`,
      ),
    ],
  });
  return { text: `Hunting ${who}…`, blocks };
}

/** A command's reply as Block Kit (alert list, detail with audit trail, help, …). */
export function commandReplyBlocks(reply: CommandReply, ctx: CardContext): SlackMessage {
  switch (reply.kind) {
    case 'text':
      return messageReply(reply.text, false);
    case 'error':
      return messageReply(reply.message, true);
    case 'alert':
      return alertReply(reply, ctx);
    case 'alerts':
      return alertList(reply, ctx);
    case 'alert-detail':
      return detail(reply, ctx);
    case 'help':
      return help(reply);
    case 'hunt':
      return huntPendingBlocks(reply.request.upn, {
        lookbackMs: reply.request.lookbackMs,
        ...(reply.request.alertId ? { alertId: reply.request.alertId } : {}),
      });
  }
}
