import type { CommandHelp } from '../../alerts/commands';

export const USAGE = {
  ack: 'ack <id>',
  escalate: 'escalate <id> [note]',
  resolve: 'resolve <id> <tp|bp|fp> [note]',
  reopen: 'reopen <id> [note]',
  alerts: 'alerts [open|all]',
  alert: 'alert <id>',
  hunt: 'hunt <upn> [lookback]',
  help: 'help',
} as const;

export type CommandName = keyof typeof USAGE;

export function helpCommands(huntDefault: string, huntMax: string): CommandHelp[] {
  return [
    { usage: USAGE.ack, summary: 'Acknowledge an alert: you are on it (alias: acknowledge).' },
    { usage: USAGE.escalate, summary: 'Escalate an alert, with an optional note.' },
    {
      usage: USAGE.resolve,
      summary: 'Resolve an alert as true positive (tp), benign positive (bp) or false positive (fp), with an optional note.',
    },
    { usage: USAGE.reopen, summary: 'Reopen a resolved alert.' },
    { usage: USAGE.alerts, summary: 'List alerts: open ones (default) or all.' },
    { usage: USAGE.alert, summary: 'Show one alert and its audit trail.' },
    {
      usage: USAGE.hunt,
      summary: `Hunt for one account's activity, e.g. "hunt alex@contoso.com 7d" (look-back like 90m, 24h, 7d; default ${huntDefault}, at most ${huntMax}).`,
    },
    { usage: USAGE.help, summary: 'This list.' },
  ];
}
