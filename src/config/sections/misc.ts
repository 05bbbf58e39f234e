import { z } from 'zod';
import type { EnvReader } from '../reader';
import { bool, duration, int, list, oneOf } from '../fields';

export interface ConsoleConfig {
  enabled: boolean;
}

export interface RespondersConfig {
  /** Emails/UPNs or platform ids allowed to act; empty = everyone in the configured channels. */
  allow: string[];
}

export interface HuntConfig {
  defaultLookbackMs: number;
  maxLookbackMs: number;
  maxConcurrency: number;
  cacheSeconds: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggingConfig {
  level: LogLevel;
}

export function readConsole(r: EnvReader, otherOutput: boolean): ConsoleConfig {
  return { enabled: r.get('CONSOLE_OUTPUT', bool) ?? !otherOutput };
}

const responder = z.string().regex(/^[^\s,]{1,256}$/, 'an email, UPN or platform user id');

export function readResponders(r: EnvReader): RespondersConfig {
  return { allow: r.get('RESPONDERS', list(responder, 'emails, UPNs or platform user ids')) ?? [] };
}

export function readHunt(r: EnvReader): HuntConfig {
  const defaultLookbackMs = r.get('HUNT_DEFAULT_LOOKBACK', duration) ?? 7 * 86_400_000;
  const maxLookbackMs = r.get('HUNT_MAX_LOOKBACK', duration) ?? 30 * 86_400_000;
  if (defaultLookbackMs <= 0 && r.isSet('HUNT_DEFAULT_LOOKBACK')) {
    r.fail('HUNT_DEFAULT_LOOKBACK', `HUNT_DEFAULT_LOOKBACK=${JSON.stringify(r.raw('HUNT_DEFAULT_LOOKBACK'))} is not valid: expected a duration above zero`);
  } else if (defaultLookbackMs > maxLookbackMs) {
    r.fail(
      'HUNT_DEFAULT_LOOKBACK',
      `HUNT_DEFAULT_LOOKBACK=${JSON.stringify(r.raw('HUNT_DEFAULT_LOOKBACK') ?? '7d')} is not valid: expected at most HUNT_MAX_LOOKBACK (${r.raw('HUNT_MAX_LOOKBACK') ?? '30d'})`,
    );
  }
  return {
    defaultLookbackMs,
    maxLookbackMs,
    // Log Analytics queues a user's sixth concurrent query with a 429.
    maxConcurrency: r.get('HUNT_MAX_CONCURRENCY', int(1, 50)) ?? 5,
    cacheSeconds: r.get('HUNT_CACHE_SECONDS', int(0, 86_400)) ?? 60,
  };
}

export function readLogging(r: EnvReader): LoggingConfig {
  return {
    level: r.get('LOG_LEVEL', oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const)) ?? 'info',
  };
}
