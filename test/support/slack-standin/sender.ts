import { createHmac } from 'node:crypto';

/** How to (mis)sign a request to the bot. */
export interface SignOptions {
  /** Sign with this secret instead of the real one (a forged request). */
  forgeWithSecret?: string;
  /** Use this X-Slack-Request-Timestamp (seconds), e.g. ten minutes ago. */
  timestampSec?: number;
  /** Leave the signature headers out. */
  unsigned?: boolean;
}

export interface BotAnswer {
  status: number;
  body: string;
  /** Parsed JSON body, when the bot answered JSON. */
  json?: unknown;
}

export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** POSTs one request to the bot's endpoint the way Slack does, and returns its HTTP answer. */
export function postToBot(
  endpoint: string,
  secret: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  sign: SignOptions = {},
): Promise<BotAnswer> {
  return sendPrepared(signedRequest(endpoint, secret, body, contentType, sign));
}

/** A request built and signed ahead of time: plain data, so another thread can send it. */
export interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Signs one request now, so a load test times the bot's answer and not the building of its own requests. */
export function signedRequest(
  endpoint: string,
  secret: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  sign: SignOptions = {},
): PreparedRequest {
  const timestampSec = sign.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (sign.unsigned !== true) {
    headers['x-slack-request-timestamp'] = String(timestampSec);
    headers['x-slack-signature'] = slackSignature(sign.forgeWithSecret ?? secret, timestampSec, body);
  }
  return { url: endpoint, headers, body };
}

/** POSTs a prepared request and returns the bot's HTTP answer. */
export async function sendPrepared(request: PreparedRequest): Promise<BotAnswer> {
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await res.text();
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text.length > 0) {
    json = JSON.parse(text) as unknown;
  }
  return { status: res.status, body: text, json };
}
