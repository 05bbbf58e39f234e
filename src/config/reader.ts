import { type z } from 'zod';
import type { ConfigProblem } from './errors';

/** The environment as read: process.env, or a test's plain object. */
export type Env = Readonly<Record<string, string | undefined>>;

/** How a value is shown in an error: secrets never appear, whatever their form. */
export type Shown = 'plain' | 'secret' | ((raw: string) => string);

const MAX_SHOWN = 80;

export function showValue(raw: string, shown: Shown = 'plain'): string {
  if (shown === 'secret') return '***';
  const text = typeof shown === 'function' ? shown(raw) : raw;
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  // JSON quoting escapes newlines, so the error stays on one line.
  return JSON.stringify(cut);
}

/**
 * Reads variables one at a time, validating each with a zod schema and collecting
 * every problem, so one run of loadConfig reports everything that is wrong.
 */
export class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; unset and blank both read as undefined. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  isSet(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** The parsed value, or undefined when unset or invalid (the problem is recorded). */
  get<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string>, shown: Shown = 'plain'): T | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const allowed = result.error.issues[0]?.message ?? 'a valid value';
    this.problems.push({
      variable: name,
      message: `${name}=${showValue(raw, shown)} is not valid: expected ${allowed}`,
    });
    return undefined;
  }

  /** Names of the variables set (non-blank) that start with `prefix`, sorted. */
  namesStartingWith(prefix: string): string[] {
    return Object.keys(this.env)
      .filter((name) => name.startsWith(prefix) && this.isSet(name))
      .sort();
  }

  /** A rule that spans several variables was broken. */
  fail(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }
}
