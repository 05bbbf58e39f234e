import { EventEmitter } from 'node:events';
import type { SlackStandinOptions, StandinRecords } from './standin';
import type { StandinChannel, StandinUser } from './types';
import { SLACK_METHOD_TIERS } from './tiers';

const DEFAULT_USERS: StandinUser[] = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Analyst', displayName: 'alice', email: 'alice@contoso.com' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob Builder', displayName: 'bob', email: 'bob@contoso.com' },
  { id: 'U0MALLORY', name: 'mallory', realName: 'Mallory Outsider', email: 'mallory@fabrikam.com' },
];

const DEFAULT_CHANNELS: StandinChannel[] = [
  { id: 'C0ALERTS', name: 'secops-alerts', member: true },
  { id: 'C0OTHER', name: 'general', member: false },
];

/** The stand-in's workspace and records, shared by every part of it. */
export interface World {
  readonly records: StandinRecords;
  /** Emits 'change' whenever something a test may wait for happens. */
  readonly events: EventEmitter;
  changed(): void;
  /** A message ts: the current second and a counter, unique within the stand-in. */
  nextTs(): string;
  /** An id with `prefix`; one counter for every kind, as ids only need to be unique. */
  nextId(prefix: string): string;
}

export function createWorld(opts: SlackStandinOptions): World {
  const events = new EventEmitter();
  events.setMaxListeners(100);
  let tsCounter = 0;
  let idCounter = 0;
  const records: StandinRecords = {
    url: '',
    origin: '',
    botToken: opts.botToken ?? 'xoxb-standin-token',
    signingSecret: opts.signingSecret ?? 'standinSigningSecret0123456789ab',
    teamId: opts.teamId ?? 'T0FIRST',
    botUserId: opts.botUserId ?? 'U0FWBOT',
    botId: opts.botId ?? 'B0FWBOT',
    botEndpoint: opts.botEndpoint,
    calls: [],
    messages: [],
    ephemerals: [],
    responses: [],
    views: [],
    users: new Map((opts.users ?? DEFAULT_USERS).map((u) => [u.id, { ...u }])),
    channels: new Map((opts.channels ?? DEFAULT_CHANNELS).map((c) => [c.id, { ...c }])),
    rateLimit: opts.rateLimit,
    rateLimitViolations: 0,
    tokenState: 'ok',
    now: opts.clock ?? (() => Date.now()),
    tierLimits: { ...(tiersOff(opts) ? {} : SLACK_METHOD_TIERS), ...(opts.tierLimits ?? {}) },
  };
  return {
    records,
    events,
    changed: () => {
      events.emit('change');
    },
    nextTs: () => {
      tsCounter += 1;
      return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
    },
    nextId: (prefix) => {
      idCounter += 1;
      return `${prefix}${String(idCounter).padStart(6, '0')}`;
    },
  };
}

function tiersOff(opts: SlackStandinOptions): boolean {
  if (opts.tierLimitsOff === undefined) return false;
  if (typeof opts.tierLimitsOff.reason !== 'string' || opts.tierLimitsOff.reason.trim().length < 10)
    throw new Error('tierLimitsOff needs a reason (why this test is about something other than Slack limits)');
  return true;
}
