/** How the CLI is named in help: from a clone, through the package's bin. */
export const PROGRAM = 'npx firstwatch';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value looks like in usage lines (string options only), e.g. EMAIL. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  /** The arguments after the command name, in CLI syntax. */
  synopsis: string;
  summary: string;
  /** Positional words, in order; the first `required` must be given; with `rest`, the last name repeats. */
  positionals: { names: string[]; required: number; rest?: boolean };
  options: Readonly<Record<string, OptionSpec>>;
}

const AS: OptionSpec = {
  type: 'string',
  value: 'EMAIL',
  help: 'who you are (default $FIRSTWATCH_USER); every change is attributable',
};
const AS_READER: OptionSpec = { ...AS, help: 'who you are (default $FIRSTWATCH_USER), checked against RESPONDERS' };
const NOTE: OptionSpec = { type: 'string', value: 'TEXT', help: 'a note kept with the change and shown on the card' };
const ID = { names: ['<id>'], required: 1 };

/** Every command the CLI runs; `acknowledge` is an alias of `ack`. */
export const COMMANDS = {
  start: {
    synopsis: '',
    summary: 'poll on schedule, post cards, serve /api/messages and /slack/events (what npm start runs)',
    positionals: { names: [], required: 0 },
    options: {},
  },
  poll: {
    synopsis: '--once [--dry-run]',
    summary: 'run every detection once, deliver what it finds, exit',
    positionals: { names: [], required: 0 },
    options: {
      once: { type: 'boolean', help: 'one cycle (the schedule is `start`); required' },
      'dry-run': { type: 'boolean', help: 'print the hits; store and post nothing' },
    },
  },
  alerts: {
    synopsis: '[open|all] [--as EMAIL]',
    summary: 'list alerts: open ones (default) or all',
    positionals: { names: ['[open|all]'], required: 0 },
    options: { as: AS_READER },
  },
  alert: {
    synopsis: '<id> [--as EMAIL]',
    summary: 'one alert with its audit trail',
    positionals: ID,
    options: { as: AS_READER },
  },
  ack: {
    synopsis: '<id> --as EMAIL',
    summary: 'acknowledge an alert: you are on it (alias: acknowledge)',
    positionals: ID,
    options: { as: AS },
  },
  escalate: {
    synopsis: '<id> [--note TEXT] --as EMAIL',
    summary: 'escalate an alert, with an optional note',
    positionals: ID,
    options: { note: NOTE, as: AS },
  },
  resolve: {
    synopsis: '<id> --classification tp|bp|fp [--note TEXT] --as EMAIL',
    summary: 'resolve an alert as true positive (tp), benign positive (bp) or false positive (fp)',
    positionals: ID,
    options: {
      classification: { type: 'string', value: 'tp|bp|fp', help: 'true positive, benign positive or false positive; required' },
      note: NOTE,
      as: AS,
    },
  },
  reopen: {
    synopsis: '<id> [--note TEXT] --as EMAIL',
    summary: 'reopen a resolved alert',
    positionals: ID,
    options: { note: NOTE, as: AS },
  },
  hunt: {
    synopsis: '<upn> [--lookback 7d] [--workspace NAME] [--as EMAIL]',
    summary: "one account's recent activity across the workspace tables, and its alerts",
    positionals: { names: ['<upn>'], required: 1 },
    options: {
      lookback: { type: 'string', value: 'DURATION', help: 'how far back, like 24h or 7d (default HUNT_DEFAULT_LOOKBACK)' },
      workspace: { type: 'string', value: 'NAME', help: 'ask this workspace only (default: every workspace)' },
      as: AS_READER,
    },
  },
  doctor: {
    synopsis: '',
    summary: 'check the configuration against the services it names; one line per check',
    positionals: { names: [], required: 0 },
    options: {},
  },
  'workspace generate': {
    synopsis: '[--dir DIR] [--seed N] [--days N]',
    summary: 'write the sample workspace (planted first-time Run Command cases)',
    positionals: { names: [], required: 0 },
    options: {
      dir: { type: 'string', value: 'DIR', help: 'where (default LOCAL_WORKSPACE_DIR)' },
      seed: { type: 'string', value: 'N', help: 'random seed (default 1)' },
      days: { type: 'string', value: 'N', help: 'days of data (default 7)' },
    },
  },
  'workspace serve': {
    synopsis: '[--dir DIR] [--port N] [--host HOST]',
    summary: 'serve a workspace folder through the Log Analytics query API',
    positionals: { names: [], required: 0 },
    options: {
      dir: { type: 'string', value: 'DIR', help: 'which folder (default LOCAL_WORKSPACE_DIR)' },
      port: { type: 'string', value: 'N', help: 'port (default LOCAL_WORKSPACE_PORT; 0 picks a free one)' },
      host: { type: 'string', value: 'HOST', help: 'interface (default 127.0.0.1)' },
    },
  },
  'workspace import': {
    synopsis: 'EXPORT... [--dir DIR]',
    summary: 'load your own tables (CSV or JSON exported from Log Analytics) into a local workspace folder',
    positionals: { names: ['EXPORT...'], required: 1, rest: true },
    options: {
      dir: { type: 'string', value: 'DIR', help: 'into which folder (default LOCAL_WORKSPACE_DIR); existing tables are never overwritten' },
    },
  },
  'detections list': {
    synopsis: '',
    summary: 'each rule file in DETECTIONS_DIR: loaded or rejected (and why), schedule, test cases (also: `detections` alone)',
    positionals: { names: [], required: 0 },
    options: {},
  },
  'detections test': {
    synopsis: '[FILE...] [--data DIR]',
    summary: "run the rules' own test cases (every rule, or the files named); --data replays Log Analytics exports (CSV/JSON) through them",
    positionals: { names: ['[FILE...]'], required: 0, rest: true },
    options: { data: { type: 'string', value: 'DIR', help: 'a folder of tables exported from Log Analytics' } },
  },
  'detections export': {
    synopsis: 'RULE [--format yaml|query]',
    summary: 'a rule (its id or file name) in plain Sentinel form, the ingestion window replaced by its look-back, to paste into Sentinel',
    positionals: { names: ['RULE'], required: 1 },
    options: { format: { type: 'string', value: 'yaml|query', help: 'the whole rule (default) or only its query' } },
  },
  help: {
    synopsis: '[command]',
    summary: 'this list, or the usage of one command',
    positionals: { names: ['[command]'], required: 0 },
    options: {},
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** Commands spelled as two words: the group, then what to do. */
export const COMMAND_GROUPS = {
  workspace: ['workspace generate', 'workspace serve', 'workspace import'],
  detections: ['detections list', 'detections test', 'detections export'],
} as const satisfies Record<string, readonly CommandName[]>;

export type CommandGroup = keyof typeof COMMAND_GROUPS;

export function isCommandGroup(name: string): name is CommandGroup {
  return Object.prototype.hasOwnProperty.call(COMMAND_GROUPS, name);
}

/** What `--help` can be asked about: a command, or a group for all of its commands. */
export type HelpTopic = CommandName | CommandGroup;

export const ALIASES: Readonly<Record<string, CommandName>> = { acknowledge: 'ack' };

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

export function usageLine(name: CommandName): string {
  const { synopsis } = COMMANDS[name] as CommandSpec;
  return `${PROGRAM} ${name}${synopsis === '' ? '' : ` ${synopsis}`}`;
}

/** The usage line(s) shown under a usage error. */
export function usageLines(topic: HelpTopic): string[] {
  return isCommandGroup(topic) ? COMMAND_GROUPS[topic].map(usageLine) : [usageLine(topic)];
}

/** `npx firstwatch ack --help`. */
export function commandHelp(topic: HelpTopic): string {
  if (isCommandGroup(topic)) return COMMAND_GROUPS[topic].map(oneCommandHelp).join('\n\n');
  return oneCommandHelp(topic);
}

function oneCommandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const options: [string, string][] = Object.entries(spec.options).map(([option, o]) => [
    `--${option}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    o.help,
  ]);
  options.push(['-h, --help', 'this help']);
  const width = Math.max(...options.map(([left]) => left.length));
  return [
    `Usage: ${usageLine(name)}`,
    '',
    `${spec.summary[0]?.toUpperCase() ?? ''}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...options.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`),
  ].join('\n');
}

/** `npx firstwatch --help`. */
export function toolHelp(): string {
  const names = Object.keys(COMMANDS) as CommandName[];
  return [
    'FirstWatch: Sentinel detections on a schedule, alerts as cards in Teams and Slack.',
    '',
    `Usage: ${PROGRAM} <command> [options]   (no command: start)`,
    '',
    ...names.flatMap((name) => [`  ${usageLine(name)}`, `      ${COMMANDS[name].summary}`]),
    '',
    `${PROGRAM} <command> --help shows one command's options.`,
    'Configuration comes from the environment and ./.env (see .env.example).',
  ].join('\n');
}
