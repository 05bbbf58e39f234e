import { z } from 'zod';
import type { EnvReader } from '../reader';
import { bool, duration, int, list, oneOf } from '../fields';

export interface ConsoleConfig {
  enabled: boolean;
}

/**
 * Who may act, read and hunt. 'open' exists only for the embedded demo (no real
 * chat platform and no list): anyone at the console, the CLI or the Playground.
 */
export type RespondersConfig =
  | { mode: 'open' }
  | {
      mode: 'restricted';
      /** Emails/UPNs or platform ids allowed everywhere they may reach FirstWatch from. */
      allow: string[];
      /** RESPONDERS=channel-members: anyone acting from a configured alert or escalation channel. */
      channelMembers: boolean;
    };

export interface HuntConfig {
  /** Hunts one person may start in a minute (0 = no limit). */
  perUserPerMinute: number;
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

/**
 * One allow-list entry: an email/UPN (name@domain.tld), a platform id
 * (slack:U123, teams:<id>, cli:alex), a Slack user id (U0123, W0123), an
 * Entra object id (GUID) or a Teams user id (29:…). Anything else is a typo
 * that would refuse everyone it was meant to let in.
 */
export const responder = z
  .string()
  .max(256)
  .regex(
    /^(?:[^\s@,]+@[^\s@,]+\.[^\s@,.]+|(?:teams|slack|console|cli|system):[^\s,]+|[UW][A-Z0-9]{2,}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|29:[^\s,]+)$/,
    'an email, UPN or platform user id',
  );

/** The RESPONDERS keyword that lets members of the configured channels act. */
export const CHANNEL_MEMBERS = 'channel-members';

/**
 * RESPONDERS lists people (and may hold the keyword channel-members). With a
 * real chat platform configured, nobody listed anywhere is a start-up error:
 * an empty list would let anyone who can reach the bot act.
 */
export function readResponders(r: EnvReader, opts: { realChat: boolean; workspaceLists: boolean }): RespondersConfig {
  const entry = z.union([responder, z.string().regex(/^channel-members$/i)]);
  const entries = r.get('RESPONDERS', list(entry, 'emails, UPNs or platform user ids, or channel-members')) ?? [];
  const channelMembers = entries.some((e) => e.toLowerCase() === CHANNEL_MEMBERS);
  const allow = entries.filter((e) => e.toLowerCase() !== CHANNEL_MEMBERS);
  if (allow.length === 0 && !channelMembers && !opts.workspaceLists) {
    if (!opts.realChat && !r.isSet('RESPONDERS')) return { mode: 'open' };
    if (opts.realChat) {
      r.fail(
        'RESPONDERS',
        'RESPONDERS is empty but Slack or a Teams bot is configured: list who may act (emails, UPNs or platform user ids), or set RESPONDERS=channel-members to allow anyone acting from a configured alert or escalation channel',
      );
    }
  }
  return { mode: 'restricted', allow, channelMembers };
}

export function readHunt(r: EnvReader): HuntConfig {
  const defaultLookbackMs = r.get('HUNT_DEFAULT_LOOKBACK', duration) ?? 7 * 86_400_000;
  const maxLookbackMs = r.get('HUNT_MAX_LOOKBACK', duration) ?? 30 * 86_400_000;
  if (defaultLookbackMs <= 0 && r.isSet('HUNT_DEFAULT_LOOKBACK')) {
    r.fail(
      'HUNT_DEFAULT_LOOKBACK',
      `HUNT_DEFAULT_LOOKBACK=${JSON.stringify(r.raw('HUNT_DEFAULT_LOOKBACK'))} is not valid: expected a duration above zero`,
    );
  } else if (defaultLookbackMs > maxLookbackMs) {
    r.fail(
      'HUNT_DEFAULT_LOOKBACK',
      `HUNT_DEFAULT_LOOKBACK=${JSON.stringify(r.raw('HUNT_DEFAULT_LOOKBACK') ?? '7d')} is not valid: expected at most HUNT_MAX_LOOKBACK (${r.raw('HUNT_MAX_LOOKBACK') ?? '30d'})`,
    );
  }
  return {
    perUserPerMinute: r.get('HUNT_PER_USER_PER_MINUTE', int(0, 1000)) ?? 6,
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
