import type { BlockActionInput, EventInput, SlashCommandInput, ViewSubmissionInput } from './interactions';
import type { BotAnswer, PreparedRequest, SignOptions } from './sender';
import type {
  InjectedFailure,
  PostRateLimit,
  StandinCall,
  StandinChannel,
  StandinEphemeral,
  StandinMessage,
  StandinResponse,
  StandinUser,
  StandinView,
} from './types';

export interface SlackStandinOptions {
  botToken?: string;
  /** App-level token for Socket Mode (apps.connections.open). */
  appToken?: string;
  signingSecret?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  users?: StandinUser[];
  channels?: StandinChannel[];
  rateLimit?: PostRateLimit;
  /** Where interactions are sent (the bot's /slack/events); can be set later. */
  botEndpoint?: string;
  /** What time it is for expiries and limits (trigger_id, response_url, tiers); default Date.now. */
  clock?: () => number;
  /**
   * Workspace-wide limits per method, over Slack's documented tiers (tiers.ts), which are on
   * by default: chat.update Tier 3 (50 a minute), users.info and views.open Tier 4, ...
   */
  tierLimits?: Record<string, PostRateLimit>;
  /** Turns the default tiers off; the reason is required (a test about something else, saying why). */
  tierLimitsOff?: { reason: string };
}

/**
 * The stand-in's identity, settings and records: what every part reads live, so a test that
 * changes a setting (tokenState, rateLimit, botEndpoint, a user) changes the next answer.
 */
export interface StandinRecords {
  /** Base URL for WebClient's slackApiUrl; ends with /api/. */
  url: string;
  /** Origin of the server (response_urls live under it). */
  origin: string;
  botToken: string;
  signingSecret: string;
  teamId: string;
  botUserId: string;
  botId: string;
  botEndpoint: string | undefined;
  calls: StandinCall[];
  messages: StandinMessage[];
  ephemerals: StandinEphemeral[];
  responses: StandinResponse[];
  views: StandinView[];
  users: Map<string, StandinUser>;
  channels: Map<string, StandinChannel>;
  /** chat.postMessage limit per channel; undefined: unlimited. */
  rateLimit: PostRateLimit | undefined;
  /** Requests that arrived while their channel was still inside a Retry-After pause. */
  rateLimitViolations: number;
  /** `invalid`: every call answers invalid_auth; `inactive`: account_inactive. */
  tokenState: 'ok' | 'invalid' | 'inactive';
  /** The stand-in's clock (ms). */
  now: () => number;
  /** Workspace-wide per-method limits; a test may set them at any time. */
  tierLimits: Record<string, PostRateLimit>;
}

export interface SlackStandin extends StandinRecords {
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /**
   * Holds the next call to `method` unanswered until release() (to order a
   * test around a slow Slack); `reached` resolves when that call arrives.
   */
  hold(method: string): { reached: Promise<void>; release(): void };
  callsTo(method: string): StandinCall[];
  messagesIn(channel: string): StandinMessage[];
  message(channel: string, ts: string): StandinMessage | undefined;
  /** Adds a message to a channel's history as if a person (or the bot, before a crash) had posted it. */
  addHistoryMessage(message: Omit<StandinMessage, 'ts' | 'updates'> & { ts?: string }): StandinMessage;
  /** Resolves when `pick` returns a value; re-checked on every call the stand-in records. */
  waitFor<T>(pick: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  sendBlockAction(input: BlockActionInput, sign?: SignOptions): Promise<BotAnswer>;
  sendSlashCommand(input: SlashCommandInput, sign?: SignOptions): Promise<BotAnswer>;
  /** Builds and signs a click now, to send later (sendPrepared, or from a load-generating thread). */
  prepareBlockAction(input: BlockActionInput, sign?: SignOptions): PreparedRequest;
  /** Builds and signs a slash command now, to send later. */
  prepareSlashCommand(input: SlashCommandInput, sign?: SignOptions): PreparedRequest;
  sendViewSubmission(input: ViewSubmissionInput, sign?: SignOptions): Promise<BotAnswer>;
  sendEvent(input: EventInput, sign?: SignOptions): Promise<BotAnswer>;
  /** Socket Mode: the same interactions as envelopes over the app's WebSocket. */
  socket: SocketModeSide;
  close(): Promise<void>;
}

/** What the app sent back for one envelope. */
export interface EnvelopeAck {
  envelope_id: string;
  payload?: unknown;
}

export interface SocketModeSide {
  appToken: string;
  /** Open connections (after "hello"). */
  connections(): number;
  /** Resolves when an app has connected. */
  connected(): Promise<void>;
  blockAction(input: BlockActionInput): Promise<EnvelopeAck>;
  slashCommand(input: SlashCommandInput): Promise<EnvelopeAck>;
  viewSubmission(input: ViewSubmissionInput): Promise<EnvelopeAck>;
  event(input: EventInput): Promise<EnvelopeAck>;
}
