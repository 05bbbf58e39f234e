import { ErrorCode } from '@slack/web-api';
import { DeliveryError } from '../../delivery/chat-platform';
import type { Logger } from '../../logging/logger';

/** Slack error codes that a person has to fix (token, scopes, channel membership). */
const SETUP_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
]);

const CHANNEL_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived']);

/** Slack error codes that say this payload will never be accepted. */
const FATAL_ERRORS = new Set([
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'too_many_attachments',
  'no_text',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'metadata_must_be_sent_from_app',
  'invalid_arguments',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'thread_not_found',
]);

/** What went wrong in one Slack call, in the terms the dispatcher acts on. */
export interface SlackFailure {
  /** Slack's error code, "http_<status>", "ratelimited" or "network". */
  code: string;
  disposition: DeliveryError['disposition'];
  retryAfterMs?: number;
  /** Scope Slack says is missing (missing_scope). */
  needed?: string;
  /** Whether the request may have taken effect although it failed (network error, 5xx). */
  ambiguous: boolean;
  detail: string;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** Classifies anything a WebClient call threw. */
export function classifySlackError(err: unknown): SlackFailure {
  const e = record(err);
  const code = e?.code;
  if (code === ErrorCode.RateLimitedError) {
    const retryAfter = typeof e?.retryAfter === 'number' ? e.retryAfter : 1;
    return {
      code: 'ratelimited',
      disposition: 'retry',
      retryAfterMs: retryAfter * 1000,
      ambiguous: false,
      detail: `rate limited; retry after ${retryAfter}s`,
    };
  }
  if (code === ErrorCode.PlatformError) {
    const data = record(e?.data);
    const slackCode = typeof data?.error === 'string' ? data.error : 'unknown_error';
    const needed = typeof data?.needed === 'string' ? data.needed : undefined;
    const messages = record(data?.response_metadata)?.messages;
    const extra = Array.isArray(messages) && messages.length > 0 ? `: ${messages.filter((m) => typeof m === 'string').join('; ')}` : '';
    // HTTP 429 bodies say "ratelimited"; some methods answer HTTP 200 with "rate_limited" (chat.postMessage's message limits).
    if (slackCode === 'ratelimited' || slackCode === 'rate_limited') {
      return { code: 'ratelimited', disposition: 'retry', retryAfterMs: 1000, ambiguous: false, detail: `rate limited (${slackCode})` };
    }
    if (SETUP_ERRORS.has(slackCode)) {
      return {
        code: slackCode,
        disposition: 'wait',
        ambiguous: false,
        detail: `${slackCode}${needed ? ` (needs ${needed})` : ''}`,
        ...(needed ? { needed } : {}),
      };
    }
    if (FATAL_ERRORS.has(slackCode)) return { code: slackCode, disposition: 'fatal', ambiguous: false, detail: `${slackCode}${extra}` };
    // Slack's own trouble (internal_error, fatal_error, service_unavailable, request_timeout) and unknown codes: try again.
    return { code: slackCode, disposition: 'retry', ambiguous: slackCode === 'request_timeout', detail: `${slackCode}${extra}` };
  }
  if (code === ErrorCode.HTTPError) {
    const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
    if (status === 429) return { code: 'ratelimited', disposition: 'retry', retryAfterMs: 1000, ambiguous: false, detail: 'HTTP 429' };
    if (status >= 500) return { code: `http_${status}`, disposition: 'retry', ambiguous: true, detail: `HTTP ${status} from Slack` };
    // Any other status means the API URL or a proxy in between is wrong: a setup problem.
    return {
      code: `http_${status}`,
      disposition: 'wait',
      ambiguous: false,
      detail: `HTTP ${status} from the Slack API URL (proxy or apiUrl misconfigured?)`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'network', disposition: 'retry', ambiguous: true, detail: `network error: ${message}` };
}

export function toDeliveryError(failure: SlackFailure, what: string): DeliveryError {
  return new DeliveryError(`Slack ${what} failed: ${failure.detail}`, failure.disposition, failure.retryAfterMs);
}

/** A plain sentence for a person fixing the setup. */
export function explainSetupProblem(code: string, channel: string | undefined, needed?: string): string {
  const where = channel === undefined ? '' : ` channel ${channel}`;
  switch (code) {
    case 'not_in_channel':
      return `Slack: FirstWatch is not a member of${where}. Invite it there (/invite @FirstWatch); alerts for it wait until then.`;
    case 'channel_not_found':
      return `Slack:${where} does not exist or the bot cannot see it (a private channel it was not invited to, or a wrong id). Alerts for it wait.`;
    case 'is_archived':
      return `Slack:${where} is archived. Unarchive it or configure another channel; alerts for it wait.`;
    case 'missing_scope':
      return `Slack: the app lacks the OAuth scope ${needed ?? '(unknown)'}; reinstall it from manifests/slack/manifest.yml. Alerts wait.`;
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
      return `Slack: the bot token was refused (${code}); check SLACK_BOT_TOKEN. Alerts wait.`;
    case 'account_inactive':
      return `Slack: the bot's account is inactive (app uninstalled or bot deactivated); reinstall the app. Alerts wait.`;
    default:
      return `Slack: ${code}${where ? ` for${where}` : ''}; a setup problem a person must fix. Alerts wait.`;
  }
}

/** Logs each setup problem once per channel and code, so a full outbox does not flood the log. */
export class SetupProblemReporter {
  private readonly reported = new Set<string>();

  constructor(private readonly logger: Logger) {}

  report(failure: SlackFailure, channel: string | undefined): void {
    // Token and scope problems concern every channel: one line, not one per channel.
    const where = CHANNEL_ERRORS.has(failure.code) ? channel : undefined;
    const key = `${where ?? '*'}|${failure.code}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.logger.error({ slackError: failure.code, channel: where }, explainSetupProblem(failure.code, where, failure.needed));
  }

  /** The channel works again (the bot joined it): report its next problem afresh. */
  clear(channel: string): void {
    for (const key of [...this.reported]) {
      if (key.startsWith(`${channel}|`) || key.startsWith('*|')) this.reported.delete(key);
    }
  }

  has(channel: string | undefined, code: string): boolean {
    const where = CHANNEL_ERRORS.has(code) ? channel : undefined;
    return this.reported.has(`${where ?? '*'}|${code}`);
  }
}
