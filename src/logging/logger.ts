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
];

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '***' }, base: { app: 'firstwatch' } };
  return destination === undefined ? pino(options) : pino(options, destination as pino.DestinationStream);
}

/** A logger that drops everything (tests, dry runs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
