import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ALIASES,
  COMMAND_GROUPS,
  COMMANDS,
  isCommandGroup,
  isCommandName,
  type CommandName,
  type CommandSpec,
  type HelpTopic,
} from './usage';

/** A mistake in how the CLI was called: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';

  /** The command whose usage to show with the error; undefined: the tool's. */
  constructor(
    message: string,
    readonly command?: HelpTopic,
  ) {
    super(message);
  }
}

export type Invocation =
  { kind: 'help'; command?: HelpTopic } | { kind: 'run'; command: CommandName; positionals: string[]; options: Options };

/** Option values by name, as given. */
export class Options {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }
}

const HELP = new Set(['-h', '--help']);

/**
 * argv → which command, its positional words and its options, with
 * `node:util` parseArgs (strict: unknown options and missing values are
 * usage errors). `-h`/`--help` anywhere before `--` asks for the command's help.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'run', command: 'start', positionals: [], options: new Options({}) };
  if (HELP.has(first)) return { kind: 'help' };
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (options follow the command)`);

  let command: CommandName;
  let args = rest;
  if (isCommandGroup(first)) {
    // `detections` alone lists the rules.
    const sub = rest[0] ?? (first === 'detections' ? 'list' : undefined);
    if (sub !== undefined && HELP.has(sub)) return { kind: 'help', command: first };
    const name = `${first} ${sub ?? ''}`;
    if (sub === undefined || !isCommandName(name)) {
      const subs = COMMAND_GROUPS[first].map((c) => `'${c.split(' ')[1]}'`);
      throw new UsageError(`${first} needs ${subs.join(' or ')}${sub === undefined ? '' : `, not '${sub}'`}`, first);
    }
    command = name;
    args = rest.slice(1);
  } else {
    const name = ALIASES[first] ?? first;
    if (!isCommandName(name)) throw new UsageError(`unknown command '${first}'`);
    command = name;
  }

  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((a) => HELP.has(a))) return { kind: 'help', command };

  const spec: CommandSpec = COMMANDS[command];
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${command}: ${explain(err)}`, command);
  }

  const { positionals } = parsed;
  const { names, required } = spec.positionals;
  if (positionals.length < required)
    throw new UsageError(`${command} needs ${names.slice(positionals.length, required).join(' ')}`, command);
  if (spec.positionals.rest !== true && positionals.length > names.length) {
    const extra = positionals
      .slice(names.length)
      .map((p) => `'${p}'`)
      .join(' ');
    throw new UsageError(`${command} takes ${names.length === 0 ? 'no arguments' : names.join(' ')}, not also ${extra}`, command);
  }
  if (command === 'help') {
    const topic = positionals[0];
    if (topic === undefined) return { kind: 'help' };
    const name: string = ALIASES[topic] ?? topic;
    if (isCommandGroup(name)) return { kind: 'help', command: name };
    if (!isCommandName(name)) throw new UsageError(`unknown command '${topic}'`);
    return { kind: 'help', command: name };
  }
  return { kind: 'run', command, positionals, options: new Options(parsed.values) };
}

/** parseArgs' errors, each said in one short line. */
function explain(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const option = /'(?:-\w, )?(--?[\w-]+)/.exec(message)?.[1];
  switch (e?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `${option ?? 'an option'} takes no value`;
      return `${option ?? 'an option'} needs a value`;
    default:
      return message.split('\n')[0] ?? message;
  }
}
