import pino from 'pino';

/** The slice of pino FirstWatch uses, so modules can take any compatible logger. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Tokens and secrets never reach the log, wherever they appear in a logged object. */
const REDACT = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.clientSecret',
  '*.password',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-slack-signature"]',
  'headers["x-slack-signature"]',
  '*.databaseUrl',
  '*.appPassword',
];

/**
 * Token shapes scrubbed from every finished line, wherever they hide (an
 * error message, a URL, a nested object the paths above do not name).
 */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\bxox[abpors]-[A-Za-z0-9-]+/g, 'xox*-***'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-***'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***'],
  [/\b(v0=)[0-9a-f]{64}\b/g, '$1***'],
  [/(postgres(?:ql)?:\/\/[^:/@\s"]+:)[^@\s"]+@/gi, '$1***@'],
];

/** Replaces every token-shaped substring of a log line. */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT, censor: '***' },
    base: { app: 'firstwatch' },
    hooks: { streamWrite: scrubSecrets },
  };
  return destination === undefined ? pino(options) : pino(options, destination as pino.DestinationStream);
}

/** A logger that drops everything (tests, dry runs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
