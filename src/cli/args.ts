/** argv → command words and --flags. Flags take a value unless listed as switches. */
export interface ParsedArgs {
  words: string[];
  flags: Map<string, string>;
  switches: Set<string>;
}

const SWITCHES = new Set(['once', 'dry-run', 'help', 'json', 'force']);

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: string[]): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!/^[a-z][a-z-]*$/.test(name)) throw new UsageError(`unknown option '${arg}'`);
    if (SWITCHES.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { words, flags, switches };
}

/** Rejects flags a command does not know, naming them. */
export function allowOnly(args: ParsedArgs, allowed: string[]): void {
  for (const name of [...args.flags.keys(), ...args.switches]) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
}
