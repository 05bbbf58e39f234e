import { z } from 'zod';
import { parseDuration, DURATION_HINT } from '../../time/duration';
import type { EnvReader } from '../reader';
import { bool, duration, int, list, nonEmpty } from '../fields';
import { channelId } from './slack';
import { channel as teamsChannel } from './teams';

export type EscalationSeverity = 'Informational' | 'Low' | 'Medium' | 'High';

export interface TeamsMentionConfig {
  kind: 'person' | 'tag';
  /** AAD object id (person) or tag id. */
  id: string;
  name: string;
}

export interface EscalationConfig {
  /** Where escalations go, in words: "Escalated by … to <name>". */
  name: string;
  slack?: { channel: string; mention?: string };
  teams?: { channel: string; mention?: TeamsMentionConfig };
  /** Per severity; absent severities are never escalated automatically (off by default). */
  autoEscalateAfterMs: Partial<Record<EscalationSeverity, number>>;
  /** A reminder in the thread this long before auto-escalation. */
  remindBeforeMs?: number;
  /** How often the stored state is checked for due escalations. */
  checkIntervalMs: number;
  /** A poll with more new alerts than `threshold` for one target posts one digest there (0: off). */
  storm: { threshold: number; postIndividual: boolean };
  /** Thread replies for transitions, per platform, and targets ("slack:C0123ABCD", "teams:Alerts") kept quiet regardless. */
  threadReplies: { slack: boolean; teams: boolean; quietTargets: string[] };
}

const SEVERITIES: readonly EscalationSeverity[] = ['Informational', 'Low', 'Medium', 'High'];

/** '<!subteam^S123>', '<@U123>', '<!here>' or '<!channel>' — as Slack writes them in a message. */
const slackMention = z
  .string()
  .regex(
    /^(<!subteam\^S[A-Z0-9]{2,}(\|[^>]{1,80})?>|<@[UW][A-Z0-9]{2,}>|<!here>|<!channel>)$/,
    'a Slack mention such as <!subteam^S0123ABCD> (a user group), <@U0123ABCD> or <!here>',
  );

/** 'slack:C0123ABCD' or 'teams:Alerts'. */
const quietTarget = z.string().regex(/^(slack|teams|console):[^\s,][^,]{0,199}$/, 'platform:target, e.g. slack:C0123ABCD or teams:Alerts');

/** 'tag:<tag id>:<name>' or 'user:<AAD object id>:<name>'. */
const teamsMention = z.string().transform((s, ctx): TeamsMentionConfig => {
  const m = /^(tag|user):([^:\s]{1,200}):([^<>]{1,100})$/.exec(s.trim());
  if (m === null) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'tag:<tag id>:<name> or user:<AAD object id>:<name>, e.g. tag:MjQ1…:SecOps On-call',
    });
    return z.NEVER;
  }
  return { kind: m[1] === 'tag' ? 'tag' : 'person', id: m[2] as string, name: (m[3] as string).trim() };
});

/** 'High=15m,Medium=60m' */
const autoAfter = z.string().transform((s, ctx) => {
  const out: Partial<Record<EscalationSeverity, number>> = {};
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const m = /^([A-Za-z]+)\s*=\s*(\S+)$/.exec(part);
    const severity = m ? SEVERITIES.find((x) => x.toLowerCase() === (m[1] as string).toLowerCase()) : undefined;
    if (m === null || severity === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${part}" is not <severity>=<duration> with severity one of ${SEVERITIES.join(', ')} (e.g. High=15m,Medium=60m)`,
      });
      return z.NEVER;
    }
    let ms: number;
    try {
      ms = parseDuration(m[2] as string);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${part}": ${DURATION_HINT}` });
      return z.NEVER;
    }
    if (ms < 60_000) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${part}": at least one minute` });
      return z.NEVER;
    }
    out[severity] = ms;
  }
  return out;
});

export function readEscalation(r: EnvReader): EscalationConfig {
  const config: EscalationConfig = {
    name: r.get('ESCALATION_NAME', nonEmpty) ?? 'on-call',
    autoEscalateAfterMs: r.get('AUTO_ESCALATE_AFTER', autoAfter) ?? {},
    checkIntervalMs: r.get('ESCALATION_CHECK_INTERVAL', duration) ?? 30_000,
    storm: {
      threshold: r.get('STORM_THRESHOLD', int(0, 100_000)) ?? 20,
      postIndividual: r.get('STORM_POST_INDIVIDUAL', bool) ?? false,
    },
    threadReplies: {
      slack: r.get('SLACK_THREAD_REPLIES', bool) ?? true,
      teams: r.get('TEAMS_THREAD_REPLIES', bool) ?? true,
      quietTargets: r.get('QUIET_THREADS', list(quietTarget, 'platform:target entries such as slack:C0123ABCD or teams:Alerts')) ?? [],
    },
  };
  const slackChannel = r.get('ESCALATION_SLACK_CHANNEL', channelId);
  const slackMentionText = r.get('ESCALATION_SLACK_MENTION', slackMention);
  if (slackChannel !== undefined)
    config.slack = slackMentionText === undefined ? { channel: slackChannel } : { channel: slackChannel, mention: slackMentionText };
  else if (slackMentionText !== undefined)
    r.fail(
      'ESCALATION_SLACK_MENTION',
      'ESCALATION_SLACK_MENTION is set but ESCALATION_SLACK_CHANNEL is not: the mention needs a channel to be posted in',
    );
  const teamsChannelName = r.get('ESCALATION_TEAMS_CHANNEL', teamsChannel);
  const teamsMentionValue = r.get('ESCALATION_TEAMS_MENTION', teamsMention);
  if (teamsChannelName !== undefined)
    config.teams =
      teamsMentionValue === undefined ? { channel: teamsChannelName } : { channel: teamsChannelName, mention: teamsMentionValue };
  else if (teamsMentionValue !== undefined)
    r.fail(
      'ESCALATION_TEAMS_MENTION',
      'ESCALATION_TEAMS_MENTION is set but ESCALATION_TEAMS_CHANNEL is not: the mention needs a channel to be posted in',
    );
  const remind = r.get('AUTO_ESCALATE_REMIND_BEFORE', duration);
  if (remind !== undefined) {
    const shortest = Math.min(...Object.values(config.autoEscalateAfterMs));
    if (!Number.isFinite(shortest))
      r.fail(
        'AUTO_ESCALATE_REMIND_BEFORE',
        'AUTO_ESCALATE_REMIND_BEFORE is set but AUTO_ESCALATE_AFTER is not: there is nothing to remind of',
      );
    else if (remind <= 0 || remind >= shortest)
      r.fail(
        'AUTO_ESCALATE_REMIND_BEFORE',
        `AUTO_ESCALATE_REMIND_BEFORE=${JSON.stringify(r.raw('AUTO_ESCALATE_REMIND_BEFORE'))} is not valid: expected above zero and shorter than the shortest AUTO_ESCALATE_AFTER`,
      );
    else config.remindBeforeMs = remind;
  }
  if (config.checkIntervalMs < 1000) r.fail('ESCALATION_CHECK_INTERVAL', 'ESCALATION_CHECK_INTERVAL must be at least 1s');
  return config;
}
