import { DeliveryError } from '../../delivery/chat-platform';

/** What a failed Bot Connector call means for the caller. */
export interface ConnectorFailure {
  /** HTTP status, when the connector answered. */
  status?: number;
  /** From Retry-After, in ms. */
  retryAfterMs?: number;
  /** Worth retrying in place right away (429, 412, 502, 504). */
  transient: boolean;
  disposition: DeliveryError['disposition'];
  /** One line for logs and the outbox (never the token). */
  detail: string;
}

/** Statuses Microsoft documents as "retry with backoff". */
const TRANSIENT = new Set([412, 429, 502, 504]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers && typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): string | null }).get(name);
    return v ?? undefined;
  }
  const h = record(headers);
  const v = h?.[name] ?? h?.[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 4; depth++) {
    const r = record(e);
    const code = r?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = r?.cause;
  }
  const message = err instanceof Error ? err.message : '';
  if (/fetch failed|network|socket hang up/i.test(message)) return 'network';
  return undefined;
}

function statusOf(err: unknown): number | undefined {
  const r = record(err);
  const status = r?.status ?? r?.statusCode ?? record(r?.response)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status < 600 ? status : undefined;
}

/** Short text for the reason, without the request body or headers. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}

/** Reads an error thrown by the agents SDK's ConnectorClient (HttpError) or by fetch. */
export function classifyConnectorError(err: unknown, now: number = Date.now()): ConnectorFailure {
  if (err instanceof DeliveryError) {
    return { transient: false, disposition: err.disposition, retryAfterMs: err.retryAfterMs, detail: err.message };
  }
  const status = statusOf(err);
  if (status !== undefined) {
    const retryAfterMs = parseRetryAfter(headerOf(record(record(err)?.response)?.headers, 'retry-after'), now);
    const detail = `Teams connector answered ${status}: ${reason(err)}`;
    if (TRANSIENT.has(status)) return { status, retryAfterMs, transient: true, disposition: 'retry', detail };
    if (status === 401 || status === 403) {
      return {
        status,
        transient: false,
        disposition: 'wait',
        detail: `${detail} (the bot is not allowed in this conversation: removed from the team, or wrong app credentials)`,
      };
    }
    if (status === 404)
      return {
        status,
        transient: false,
        disposition: 'wait',
        detail: `${detail} (the conversation or message no longer exists, or the bot was removed)`,
      };
    if (status === 408 || status >= 500) return { status, retryAfterMs, transient: false, disposition: 'retry', detail };
    return { status, transient: false, disposition: 'fatal', detail };
  }
  const code = networkCode(err);
  if (code !== undefined)
    return { transient: false, disposition: 'retry', detail: `Teams connector unreachable (${code}): ${reason(err)}` };
  const message = reason(err);
  // MSAL: the registration's id or secret is wrong; retrying will not fix it.
  if (/invalid_client|unauthorized_client|AADSTS7000215|AADSTS700016/i.test(message)) {
    return {
      transient: false,
      disposition: 'wait',
      detail: `Teams sign-in failed; check TEAMS_APP_ID / TEAMS_APP_PASSWORD / TEAMS_TENANT_ID: ${message}`,
    };
  }
  return { transient: false, disposition: 'retry', detail: `Teams call failed: ${message}` };
}

export function toDeliveryError(failure: ConnectorFailure, what: string): DeliveryError {
  return new DeliveryError(`${what}: ${failure.detail}`, failure.disposition, failure.retryAfterMs);
}
