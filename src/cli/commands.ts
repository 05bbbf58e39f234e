import type { Command } from '../chat/router/command';
import { UsageError, type Options } from './args';
import type { CommandName } from './usage';

/** The CLI commands the router answers, and whether they change an alert (and so need --as). */
export const ROUTER_COMMANDS = {
  ack: { writes: true },
  escalate: { writes: true },
  resolve: { writes: true },
  reopen: { writes: true },
  alerts: { writes: false },
  alert: { writes: false },
  hunt: { writes: false },
} as const;

export type RouterCommandName = keyof typeof ROUTER_COMMANDS;

export function isRouterCommand(name: CommandName): name is RouterCommandName {
  return Object.prototype.hasOwnProperty.call(ROUTER_COMMANDS, name);
}

/** The router's command from the CLI's words and options; the router validates the values. */
export function routerCommand(name: RouterCommandName, positionals: readonly string[], options: Options): Command {
  const first = positionals[0] ?? '';
  const note = options.string('note');
  const withNote = note !== undefined ? { note } : {};
  switch (name) {
    case 'ack':
    case 'alert':
      return { verb: name, alertId: first };
    case 'escalate':
    case 'reopen':
      return { verb: name, alertId: first, ...withNote };
    case 'resolve': {
      const classification = options.string('classification');
      if (classification === undefined) throw new UsageError('resolve needs --classification tp|bp|fp', 'resolve');
      return { verb: 'resolve', alertId: first, classification, ...withNote };
    }
    case 'alerts':
      return positionals[0] === undefined ? { verb: 'alerts' } : { verb: 'alerts', scope: positionals[0] };
    case 'hunt': {
      const lookback = options.string('lookback');
      // --workspace scopes the hunt runner itself (App.huntIn), so the router is not asked to.
      return { verb: 'hunt', upn: first, ...(lookback !== undefined ? { lookback } : {}) };
    }
  }
}

/** An email address or UPN: something@domain.tld, no spaces. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;

/** Who acts: --as, else $FIRSTWATCH_USER, an email address; required by the commands that change an alert. */
export function actingAs(name: RouterCommandName, options: Options, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = options.string('as');
  const as = given ?? (env.FIRSTWATCH_USER === '' ? undefined : env.FIRSTWATCH_USER);
  if (ROUTER_COMMANDS[name].writes && as === undefined) {
    throw new UsageError(`'${name}' changes an alert: say who you are with --as you@contoso.com (every action is attributable)`, name);
  }
  if (as !== undefined && !EMAIL.test(as)) {
    const source = given !== undefined ? '--as' : 'FIRSTWATCH_USER';
    throw new UsageError(`${source}: ${JSON.stringify(as)} is not an email address (like you@contoso.com)`, name);
  }
  return as;
}
