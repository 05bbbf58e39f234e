import type { AuditEntry } from '../../alerts/types';
import type { CommandReply } from '../../alerts/commands';
import { toAlertView } from '../alert-view';
import type { CardContext } from '../context';
import { deliveryProblemLines } from '../delivery-problems';
import { takeFirst } from '../text-limits';
import { formatAge, formatUtc } from '../../time/when';
import { alertCardParts, alertFallbackText, TEAMS_CARD_BUDGET_BYTES } from './alert-card';
import { type AcObject, card, factSet, heading, jsonBytes, safeText, table, textBlock } from './elements';
import { huntPendingCard } from './hunt-pending';

/** Rows a list or audit table shows before "…and N more". */
export const MAX_TABLE_ROWS = 25;

const STATUS_WORD = { open: 'Open', acknowledged: 'Acknowledged', escalated: 'Escalated', resolved: 'Resolved' } as const;

function messageCard(text: string, error: boolean): object {
  const body = error
    ? [textBlock(`⚠️ ${safeText(text, 2000, true)}`, { color: 'Attention', weight: 'Bolder' })]
    : [textBlock(safeText(text, 4000, true))];
  return card(body, [], error ? `Error: ${text}` : text);
}

function moreRows(more: number, what: string): AcObject[] {
  return more > 0 ? [textBlock(`…and ${more} more ${what}`, { isSubtle: true, size: 'Small' })] : [];
}

function alertsTable(reply: Extract<CommandReply, { kind: 'alerts' }>, ctx: CardContext): object {
  const title = `${reply.scope === 'open' ? 'Open alerts' : 'All alerts'} (${reply.alerts.length})`;
  if (reply.alerts.length === 0) {
    return card(
      [heading(title), textBlock(reply.scope === 'open' ? 'No open alerts. 🎉' : 'No alerts yet.', { isSubtle: true })],
      [],
      title,
    );
  }
  const { items, more } = takeFirst(reply.alerts, MAX_TABLE_ROWS);
  const rows = items.map((a) => [a.id, safeText(a.title, 120), STATUS_WORD[a.status], formatAge(a.eventTime, ctx.now)]);
  return card([heading(title), table(['Alert', 'Title', 'Status', 'Age'], rows, [1, 4, 2, 1]), ...moreRows(more, 'alerts')], [], title);
}

function auditRows(audit: AuditEntry[], ctx: CardContext, max: number): { rows: string[][]; more: number } {
  // The newest entries matter most; older ones are counted, not shown.
  const shown = audit.slice(Math.max(0, audit.length - max));
  return {
    more: audit.length - shown.length,
    rows: shown.map((e) => [
      formatUtc(e.at, ctx.now),
      safeText(e.actor.displayName, 80),
      safeText(e.action, 40),
      e.outcome,
      e.detail ? safeText(e.detail, 200) : '—',
    ]),
  };
}

function detailCard(reply: Extract<CommandReply, { kind: 'alert-detail' }>, ctx: CardContext): object {
  const view = toAlertView(reply.alert, ctx);
  let result: object = {};
  for (const [level, maxRows] of [
    [0, MAX_TABLE_ROWS],
    [1, 10],
    [2, 5],
  ] as const) {
    const parts = alertCardParts(view, level);
    const { rows, more } = auditRows(reply.audit, ctx, maxRows);
    const audit =
      rows.length > 0
        ? [
            heading('Audit trail'),
            table(['When', 'Who', 'Action', 'Outcome', 'Detail'], rows, [2, 2, 2, 1, 3]),
            ...(more > 0 ? [textBlock(`${more} earlier entries not shown`, { isSubtle: true, size: 'Small' })] : []),
          ]
        : [heading('Audit trail'), textBlock('No actions recorded yet.', { isSubtle: true })];
    const lines = deliveryProblemLines(reply.deliveryProblems);
    const problems =
      lines.length > 0
        ? [heading('Delivery problems'), ...lines.slice(0, maxRows).map((l) => textBlock(safeText(l, 400), { wrap: true }))]
        : [];
    result = card([...parts.body, ...audit, ...problems], parts.actions, alertFallbackText(view));
    if (jsonBytes(result) <= TEAMS_CARD_BUDGET_BYTES) break;
  }
  return result;
}

function alertWithMessage(reply: Extract<CommandReply, { kind: 'alert' }>, ctx: CardContext): object {
  const view = toAlertView(reply.alert, ctx);
  let result: object = {};
  for (let level = 0; level < 3; level++) {
    const parts = alertCardParts(view, level);
    const intro = reply.message ? [textBlock(safeText(reply.message, 1000, true), { weight: 'Bolder' })] : [];
    result = card([...intro, ...parts.body], parts.actions, reply.message ?? alertFallbackText(view));
    if (jsonBytes(result) <= TEAMS_CARD_BUDGET_BYTES) break;
  }
  return result;
}

function helpCard(reply: Extract<CommandReply, { kind: 'help' }>): object {
  const body: AcObject[] = [heading('FirstWatch commands')];
  if (reply.commands.length > 0) {
    body.push(factSet(reply.commands.map((c) => ({ title: safeText(c.usage, 200), value: safeText(c.summary, 400) }))));
  }
  return card(body, [], 'FirstWatch commands');
}

/**
 * A command's reply as a Teams card. Text and errors become a one-block card;
 * platforms that prefer a plain message use commandReplyText for those.
 */
export function commandReplyCard(reply: CommandReply, ctx: CardContext): object {
  switch (reply.kind) {
    case 'text':
      return messageCard(reply.text, false);
    case 'error':
      return messageCard(reply.message, true);
    case 'alert':
      return alertWithMessage(reply, ctx);
    case 'alerts':
      return alertsTable(reply, ctx);
    case 'alert-detail':
      return detailCard(reply, ctx);
    case 'help':
      return helpCard(reply);
    case 'hunt':
      return huntPendingCard(reply.request.upn, {
        lookbackMs: reply.request.lookbackMs,
        ...(reply.request.alertId ? { alertId: reply.request.alertId } : {}),
      });
  }
}
