import type { AlertStatus } from '../../alerts/types';
import type { AlertView } from '../alert-view';
import type { ViewAction } from '../actions';
import { oneLine, stripControl, takeFirst, truncate } from '../text-limits';

export interface TextOptions {
  /** ANSI colours for severity and status (off by default: logs and pipes stay clean). */
  color?: boolean;
  /** Who the CLI hints act as: "npx firstwatch ack FW-3 --as you@contoso.com". */
  cliUser?: string;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  green: '\u001b[32m',
  dim: '\u001b[2m',
};
const SEVERITY_ANSI = { attention: ANSI.red, warning: ANSI.yellow, accent: ANSI.blue, default: ANSI.dim } as const;
const STATUS_ANSI: Readonly<Record<AlertStatus, string>> = {
  open: ANSI.bold,
  acknowledged: ANSI.blue,
  escalated: ANSI.red,
  resolved: ANSI.green,
};

const LABEL_WIDTH = 15;
const FIELD_MAX = 500;
const MAX_ITEMS = 20;

function paint(text: string, code: string, on: boolean): string {
  return on ? `${code}${text}${ANSI.reset}` : text;
}

/** One user-controlled value on one line: control characters (ESC included) neutralised, length bounded. */
export function clean(text: string, max = FIELD_MAX): string {
  return truncate(oneLine(text), max);
}

function line(label: string, value: string): string {
  return `${label.padEnd(LABEL_WIDTH)} ${value}`;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellArg(arg: string): string {
  return /^[A-Za-z0-9@._+:/=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The CLI command that does what the button does. */
export function cliCommand(action: ViewAction, huntUpn: string | undefined, cliUser: string): string {
  const as = `--as ${shellArg(clean(cliUser, 300))}`;
  const id = action.payload.alertId;
  switch (action.verb) {
    case 'ack':
      return `npx firstwatch ack ${id} ${as}`;
    case 'escalate':
      return `npx firstwatch escalate ${id} [--note "…"] ${as}`;
    case 'resolve':
      return `npx firstwatch resolve ${id} --classification tp|bp|fp [--note "…"] ${as}`;
    case 'reopen':
      return `npx firstwatch reopen ${id} ${as}`;
    case 'hunt':
      return `npx firstwatch hunt ${shellArg(clean(huntUpn ?? '', 300))} ${as}`;
  }
}

function list(title: string, items: string[], what: string): string[] {
  if (items.length === 0) return [];
  const { items: shown, more } = takeFirst(items, MAX_ITEMS);
  return [title, ...shown.map((i) => `  • ${i}`), ...(more > 0 ? [`  …and ${more} more ${what}`] : [])];
}

/** The alert as a readable block of text for the console platform and the CLI. */
export function alertText(view: AlertView, opts: TextOptions = {}): string {
  const color = opts.color === true;
  const cliUser = opts.cliUser ?? 'you@contoso.com';
  const headline = `[${view.severity.level.toUpperCase()}] ${view.alertId} · ${clean(view.title, 300)}`;
  const rule = '─'.repeat(Math.min(Math.max(headline.length, 40), 100));
  const out: string[] = [paint(headline, `${ANSI.bold}${SEVERITY_ANSI[view.severity.colour]}`, color), rule];
  if (view.description) out.push(line('Description', clean(view.description, 1000)));
  for (const f of [...view.facts, ...view.moreFacts]) out.push(line(f.label, clean(f.value)));
  out.push(
    ...list(
      'Why it fired',
      view.insights.map((i) => clean(i.text, 200)),
      'insights',
    ),
  );
  const mitre = view.techniques.map((t) => clean(`${t.id}${t.name ? ` ${t.name}` : ''}${t.url ? `  ${t.url}` : ''}`, 300));
  if (view.tactics.length > 0) mitre.push(`Tactics: ${clean(view.tactics.join(', '), 300)}`);
  out.push(...list('MITRE ATT&CK', mitre, 'techniques'));
  out.push(
    ...list(
      'Entities',
      view.entities.map((e) => `${clean(e.type, 60)}: ${clean(e.text)}`),
      'entities',
    ),
  );
  out.push(
    ...list(
      'Details',
      view.details.map((d) => `${clean(d.label, 80)}: ${clean(d.value)}`),
      'details',
    ),
  );
  out.push(
    ...list(
      'Links',
      view.links.map((l) => `${l.label}: ${l.url}`),
      'links',
    ),
  );
  out.push(
    line('Status', paint(truncate(stripControl(view.statusLine).replace(/\s*[\r\n]+\s*/g, ' / '), 1200), STATUS_ANSI[view.status], color)),
  );
  const upn = view.who?.upn;
  out.push(
    ...list(
      'Actions',
      view.actions.map((a) => cliCommand(a, upn, cliUser)),
      'actions',
    ),
  );
  return out.join('\n');
}
