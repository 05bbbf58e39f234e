import type { AuditEntry } from '../../alerts/types';
import type { CommandReply } from '../../alerts/commands';
import { toAlertView } from '../alert-view';
import type { CardContext } from '../context';
import { durationShortWords } from '../../time/duration';
import { formatAge, formatUtc } from '../../time/when';
import { deliveryProblemLines } from '../delivery-problems';
import { stripControl, truncate } from '../text-limits';
import { alertText, clean, type TextOptions } from './alert-text';

const STATUS_WORD = { open: 'Open', acknowledged: 'Acknowledged', escalated: 'Escalated', resolved: 'Resolved' } as const;

/** Rows a list or audit trail shows before "…and N more". */
export const MAX_TEXT_ROWS = 50;

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function auditTrail(audit: AuditEntry[], ctx: CardContext): string[] {
  if (audit.length === 0) return ['Audit trail', '  No actions recorded yet.'];
  const shown = audit.slice(Math.max(0, audit.length - MAX_TEXT_ROWS));
  const rows = [
    ['When', 'Who', 'Action', 'Outcome', 'Detail'],
    ...shown.map((e) => [
      formatUtc(e.at, ctx.now),
      clean(e.actor.displayName, 60),
      clean(e.action, 30),
      e.outcome,
      clean(e.detail ?? '', 200),
    ]),
  ];
  const lines = columns(rows).map((l) => `  ${l}`);
  if (shown.length < audit.length) lines.splice(1, 0, `  (${audit.length - shown.length} earlier entries not shown)`);
  return ['Audit trail', ...lines];
}

/** A command's reply as plain text (console, CLI, or a platform's plain message). */
export function commandReplyText(reply: CommandReply, ctx: CardContext = { now: new Date() }, opts: TextOptions = {}): string {
  switch (reply.kind) {
    case 'text':
      return truncate(stripControl(reply.text), 4000);
    case 'error':
      return `Error: ${truncate(stripControl(reply.message), 2000)}`;
    case 'alert': {
      const body = alertText(toAlertView(reply.alert, ctx), opts);
      return reply.message ? `${truncate(stripControl(reply.message), 1000)}\n\n${body}` : body;
    }
    case 'alerts': {
      const title = `${reply.scope === 'open' ? 'Open alerts' : 'All alerts'} (${reply.alerts.length})`;
      if (reply.alerts.length === 0) return `${title}\n  ${reply.scope === 'open' ? 'No open alerts.' : 'No alerts yet.'}`;
      const shown = reply.alerts.slice(0, MAX_TEXT_ROWS);
      const rows = [
        ['Alert', 'Status', 'Age', 'Title'],
        ...shown.map((a) => [a.id, STATUS_WORD[a.status], formatAge(a.eventTime, ctx.now), clean(a.title, 120)]),
      ];
      const more = reply.alerts.length - shown.length;
      return [title, ...columns(rows).map((l) => `  ${l}`), ...(more > 0 ? [`  …and ${more} more alerts`] : [])].join('\n');
    }
    case 'alert-detail': {
      const problems = deliveryProblemLines(reply.deliveryProblems).map((l) => `  ${clean(l, 400)}`);
      return [
        alertText(toAlertView(reply.alert, ctx), opts),
        '',
        ...auditTrail(reply.audit, ctx),
        ...(problems.length > 0 ? ['', 'Delivery problems', ...problems] : []),
      ].join('\n');
    }
    case 'help': {
      if (reply.commands.length === 0) return 'FirstWatch commands';
      const width = Math.min(50, Math.max(...reply.commands.map((c) => clean(c.usage, 200).length)));
      return ['FirstWatch commands', ...reply.commands.map((c) => `  ${clean(c.usage, 200).padEnd(width)}  ${clean(c.summary, 400)}`)].join(
        '\n',
      );
    }
    case 'hunt': {
      const scope = [
        `last ${durationShortWords(reply.request.lookbackMs)}`,
        reply.request.alertId ? `from ${reply.request.alertId}` : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      return `Hunting ${clean(reply.request.upn, 300)}… (${scope})`;
    }
  }
}
