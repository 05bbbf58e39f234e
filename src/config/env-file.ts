import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from './errors';
import type { Env } from './reader';

/**
 * The variables of a `.env` file, or undefined when the file does not exist and
 * `required` is false. Parsing is Node's own (util.parseEnv), the dotenv syntax.
 */
export function readEnvFile(path: string, required: boolean): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new ConfigError([{ variable: '.env', message: `cannot read env file ${JSON.stringify(path)}: ${code ?? String(err)}` }]);
  }
  const parsed = parseEnv(text);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Real environment variables win over the file's: a variable present in `env` (even empty) is kept. */
export function mergeEnv(env: Env, file: Record<string, string> | undefined): Env {
  if (file === undefined) return env;
  const merged: Record<string, string | undefined> = { ...file };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
