/** What the stand-in records, for tests to assert on. */

export interface StandinUser {
  id: string;
  name: string;
  realName: string;
  displayName?: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface StandinChannel {
  id: string;
  name: string;
  /** Whether the bot is a member (chat.postMessage answers not_in_channel otherwise). */
  member: boolean;
  isPrivate?: boolean;
  isIm?: boolean;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface MessageVersion {
  text?: string;
  blocks?: unknown[];
  metadata?: MessageMetadata;
}

export interface StandinMessage extends MessageVersion {
  ts: string;
  channel: string;
  thread_ts?: string;
  /** Who posted it: the bot's user id, or a person's for messages the test puts in history. */
  user: string;
  botId?: string;
  /** The versions each chat.update replaced, oldest first (the message fields hold the newest). */
  updates: MessageVersion[];
}

export interface StandinEphemeral {
  messageTs: string;
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface StandinCall {
  seq: number;
  method: string;
  args: Record<string, unknown>;
  /** The bearer token (or `token` body field) the call carried. */
  token?: string;
  httpStatus: number;
  /** `ok` of the JSON answer (false for API errors and 429). */
  ok: boolean;
  error?: string;
}

export interface StandinResponse {
  /** The response_url that received it. */
  url: string;
  body: Record<string, unknown>;
  /** The interaction that issued this response_url. */
  issuedFor: { kind: string; user: string; channel?: string };
}

export interface StandinView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
  user?: string;
}

/** Per-channel limit for chat.postMessage: `limit` posts per `windowMs`, then 429 with Retry-After. */
export interface PostRateLimit {
  limit: number;
  windowMs: number;
  retryAfterSec: number;
}

/** A failure to inject into the next call(s) of a method. */
export type InjectedFailure =
  | { error: string }
  | { status: number; body?: string }
  | { retryAfterSec: number }
  /** Apply the call, then answer 500 (a post whose outcome the caller cannot know). */
  | { applyThenStatus: number };
