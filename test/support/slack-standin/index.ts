/**
 * A local Slack for tests: the Web API methods FirstWatch calls (Slack's
 * response shapes, token and membership checks, Block Kit limits, a per-channel
 * chat.postMessage rate limit answered with 429 + Retry-After), recording every
 * call and message; and Slack's side of interactions: signed HTTP posts to the
 * bot (or Socket Mode envelopes) for buttons, modals, slash commands and events,
 * with response_urls it serves itself.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { checkMessage } from './block-kit-limits';
import { postToBot, sendPrepared, signedRequest, type BotAnswer, type PreparedRequest, type SignOptions } from './sender';
import { SocketPeer } from './socket';
import type {
  InjectedFailure,
  MessageMetadata,
  PostRateLimit,
  StandinCall,
  StandinChannel,
  StandinEphemeral,
  StandinMessage,
  StandinResponse,
  StandinUser,
  StandinView,
} from './types';

export * from './types';
export { sendPrepared, slackSignature, type BotAnswer, type PreparedRequest, type SignOptions } from './sender';

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
}

export interface BlockActionInput {
  user: string;
  channel: string;
  /** ts of the message whose button was clicked. */
  messageTs: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Also send the thread the message sits in. */
  threadTs?: string;
}

export interface SlashCommandInput {
  command: string;
  text: string;
  user: string;
  channel: string;
}

export interface ViewSubmissionInput {
  user: string;
  callbackId: string;
  privateMetadata?: string;
  /** state.values: block_id → action_id → value object ({type, value} or {type, selected_option}). */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

export interface EventInput {
  /** The inner event: { type: 'app_mention', user, text, channel, ts, ... }. */
  event: Record<string, unknown>;
}

export interface SlackStandin {
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

type ApiResult = { status: number; headers?: Record<string, string>; body: Record<string, unknown> | string };

const DEFAULT_USERS: StandinUser[] = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Analyst', displayName: 'alice', email: 'alice@contoso.com' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob Builder', displayName: 'bob', email: 'bob@contoso.com' },
  { id: 'U0MALLORY', name: 'mallory', realName: 'Mallory Outsider', email: 'mallory@fabrikam.com' },
];

const DEFAULT_CHANNELS: StandinChannel[] = [
  { id: 'C0ALERTS', name: 'secops-alerts', member: true },
  { id: 'C0OTHER', name: 'general', member: false },
];

/** Fields WebClient JSON-encodes into the form body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function bool(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (raw.length === 0) return {};
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : {};
  }
  const form = parseQuery(raw);
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (value !== undefined && JSON_FIELDS.has(k) && /^[[{]/.test(value)) args[k] = JSON.parse(value) as unknown;
    else args[k] = value;
  }
  return args;
}

export async function startSlackStandin(opts: SlackStandinOptions = {}): Promise<SlackStandin> {
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const failures = new Map<string, { failure: InjectedFailure; times: number }[]>();
  const holds = new Map<string, { arrived: () => void; gate: Promise<void> }[]>();
  const postTimes = new Map<string, number[]>();
  const pausedUntil = new Map<string, number>();
  const triggers = new Map<string, { used: boolean }>();
  const responseUrls = new Map<string, StandinResponse['issuedFor']>();
  const appToken = opts.appToken ?? 'xapp-standin-token';
  const peers = new Set<SocketPeer>();
  const pendingAcks = new Map<string, (ack: EnvelopeAck) => void>();
  let seq = 0;
  let tsCounter = 0;
  let idCounter = 0;

  const nextTs = (): string => {
    tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };
  const nextId = (prefix: string): string => {
    idCounter += 1;
    return `${prefix}${String(idCounter).padStart(6, '0')}`;
  };

  const s: SlackStandin = {
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
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      list.push({ failure, times });
      failures.set(method, list);
    },
    hold(method) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => {
        arrived = r;
      });
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const list = holds.get(method) ?? [];
      list.push({ arrived, gate });
      holds.set(method, list);
      return { reached, release };
    },
    callsTo: (method) => s.calls.filter((c) => c.method === method),
    messagesIn: (channel) => s.messages.filter((m) => m.channel === channel),
    message: (channel, ts) => s.messages.find((m) => m.channel === channel && m.ts === ts),
    addHistoryMessage(message) {
      const m: StandinMessage = { ...message, ts: message.ts ?? nextTs(), updates: [] };
      s.messages.push(m);
      events.emit('change');
      return m;
    },
    waitFor<T>(pick: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = (): boolean => {
          const v = pick();
          if (v === undefined || v === false) return false;
          cleanup();
          resolve(v);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`slack stand-in: gave up waiting for ${what}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          events.off('change', onChange);
        };
        const onChange = (): void => {
          check();
        };
        events.on('change', onChange);
        check();
      });
    },
    sendBlockAction: (input, sign) => sendBlockAction(input, sign),
    sendSlashCommand: (input, sign) => sendSlashCommand(input, sign),
    prepareBlockAction: (input, sign) => prepareForm({ payload: JSON.stringify(blockActionPayload(input)) }, sign),
    prepareSlashCommand: (input, sign) => prepareForm(slashCommandFields(input), sign),
    sendViewSubmission: (input, sign) => sendViewSubmission(input, sign),
    sendEvent: (input, sign) => sendEvent(input, sign),
    socket: undefined as unknown as SocketModeSide,
    close: () => Promise.resolve(),
  };

  // ---- Web API methods ------------------------------------------------------------------

  const ok = (body: Record<string, unknown> = {}): ApiResult => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string, extra: Record<string, unknown> = {}): ApiResult => ({
    status: 200,
    body: { ok: false, error, ...extra },
  });

  const channelFor = (id: unknown, needMember: boolean): StandinChannel | ApiResult => {
    const cid = str(id);
    if (cid === undefined) return fail('channel_not_found');
    const ch = s.channels.get(cid);
    if (ch === undefined) return fail('channel_not_found');
    if (needMember && !ch.member) return fail('not_in_channel');
    return ch;
  };
  const isResult = (v: unknown): v is ApiResult => isRecord(v) && typeof v.status === 'number' && 'body' in v;

  const wireMessage = (m: StandinMessage, withMetadata: boolean): Record<string, unknown> => ({
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(m.botId !== undefined ? { bot_id: m.botId } : {}),
    text: m.text ?? '',
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(m.updates.length > 0 ? { edited: { user: m.user, ts: m.ts } } : {}),
  });

  const parseMetadata = (v: unknown): MessageMetadata | undefined | 'invalid' => {
    if (v === undefined) return undefined;
    if (!isRecord(v) || typeof v.event_type !== 'string' || !isRecord(v.event_payload)) return 'invalid';
    return { event_type: v.event_type, event_payload: v.event_payload };
  };

  const rateLimited = (channel: string): ApiResult | undefined => {
    const limit = s.rateLimit;
    if (limit === undefined) return undefined;
    const now = Date.now();
    const until = pausedUntil.get(channel);
    if (until !== undefined && now < until) {
      s.rateLimitViolations += 1;
      return {
        status: 429,
        headers: { 'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    const recent = (postTimes.get(channel) ?? []).filter((t) => now - t < limit.windowMs);
    if (recent.length >= limit.limit) {
      pausedUntil.set(channel, now + limit.retryAfterSec * 1000);
      postTimes.set(channel, []);
      return { status: 429, headers: { 'retry-after': String(limit.retryAfterSec) }, body: { ok: false, error: 'ratelimited' } };
    }
    recent.push(now);
    postTimes.set(channel, recent);
    return undefined;
  };

  const methods: Record<string, (args: Record<string, unknown>) => ApiResult> = {
    'apps.connections.open': () => ok({ url: `${s.origin.replace('http://', 'ws://')}/socket-mode` }),
    'auth.test': () =>
      ok({
        url: 'https://firstwatch-standin.slack.com/',
        team: 'FirstWatch Stand-in',
        user: 'firstwatch',
        team_id: s.teamId,
        user_id: s.botUserId,
        bot_id: s.botId,
        is_enterprise_install: false,
      }),
    'chat.postMessage': (args) => {
      const ch = channelFor(args.channel, true);
      if (isResult(ch)) return ch;
      const problem = checkMessage(args.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const metadata = parseMetadata(args.metadata);
      if (metadata === 'invalid') return fail('invalid_metadata_format');
      const limited = rateLimited(ch.id);
      if (limited) return limited;
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined && !s.messages.some((m) => m.channel === ch.id && m.ts === threadTs)) {
        return fail('thread_not_found');
      }
      const m: StandinMessage = {
        ts: nextTs(),
        channel: ch.id,
        user: s.botUserId,
        botId: s.botId,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        metadata,
        updates: [],
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      };
      s.messages.push(m);
      return ok({ channel: ch.id, ts: m.ts, message: wireMessage(m, true) });
    },
    'chat.update': (args) => {
      const ch = channelFor(args.channel, false);
      if (isResult(ch)) return ch;
      const m = s.message(ch.id, str(args.ts) ?? '');
      if (m === undefined) return fail('message_not_found');
      if (m.user !== s.botUserId) return fail('cant_update_message');
      const problem = checkMessage(args.text ?? m.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const metadata = parseMetadata(args.metadata);
      if (metadata === 'invalid') return fail('invalid_metadata_format');
      m.updates.push({ text: m.text, blocks: m.blocks, metadata: m.metadata });
      if (args.text !== undefined) m.text = str(args.text);
      if (args.blocks !== undefined) m.blocks = args.blocks as unknown[];
      if (metadata !== undefined) m.metadata = metadata;
      return ok({ channel: ch.id, ts: m.ts, text: m.text ?? '', message: wireMessage(m, true) });
    },
    'chat.postEphemeral': (args) => {
      const ch = channelFor(args.channel, true);
      if (isResult(ch)) return ch;
      const user = str(args.user);
      if (user === undefined || !s.users.has(user)) return fail('user_not_found');
      const problem = checkMessage(args.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const e: StandinEphemeral = {
        messageTs: nextTs(),
        channel: ch.id,
        user,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        ...(str(args.thread_ts) !== undefined ? { thread_ts: str(args.thread_ts) } : {}),
      };
      s.ephemerals.push(e);
      return ok({ message_ts: e.messageTs });
    },
    'chat.getPermalink': (args) => {
      const ch = channelFor(args.channel, false);
      if (isResult(ch)) return ch;
      const ts = str(args.message_ts) ?? '';
      if (!s.message(ch.id, ts)) return fail('message_not_found');
      return ok({ channel: ch.id, permalink: `https://firstwatch-standin.slack.com/archives/${ch.id}/p${ts.replace('.', '')}` });
    },
    'conversations.history': (args) => {
      const ch = channelFor(args.channel, true);
      if (isResult(ch)) return ch;
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
      const latest = Number(args.latest ?? Number.POSITIVE_INFINITY);
      const oldest = Number(args.oldest ?? 0);
      const withMetadata = bool(args.include_all_metadata);
      const top = s.messages
        .filter((m) => m.channel === ch.id && (m.thread_ts === undefined || m.thread_ts === m.ts))
        .filter((m) => Number(m.ts) <= latest && Number(m.ts) >= oldest)
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const start = Number(str(args.cursor) ?? '0') || 0;
      const page = top.slice(start, start + limit);
      const hasMore = start + limit < top.length;
      return ok({
        messages: page.map((m) => wireMessage(m, withMetadata)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? String(start + limit) : '' },
      });
    },
    'conversations.info': (args) => {
      const ch = channelFor(args.channel, false);
      if (isResult(ch)) return ch;
      return ok({
        channel: { id: ch.id, name: ch.name, is_channel: !ch.isPrivate && !ch.isIm, is_private: ch.isPrivate === true, is_im: ch.isIm === true, is_member: ch.member },
      });
    },
    'users.info': (args) => {
      const u = s.users.get(str(args.user) ?? '');
      if (u === undefined) return fail('user_not_found');
      return ok({
        user: {
          id: u.id,
          team_id: s.teamId,
          name: u.name,
          real_name: u.realName,
          deleted: u.deleted === true,
          is_bot: u.isBot === true,
          profile: {
            real_name: u.realName,
            display_name: u.displayName ?? '',
            ...(u.email !== undefined ? { email: u.email } : {}),
          },
        },
      });
    },
    'views.open': (args) => {
      const triggerId = str(args.trigger_id);
      const trigger = triggerId === undefined ? undefined : triggers.get(triggerId);
      if (triggerId === undefined || trigger === undefined) return fail('invalid_trigger_id');
      if (trigger.used) return fail('expired_trigger_id');
      if (!isRecord(args.view) || args.view.type !== 'modal') return fail('invalid_arguments');
      const view = args.view;
      const blocks = view.blocks;
      if (!Array.isArray(blocks) || blocks.length > 100) return fail('invalid_arguments');
      if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return fail('invalid_arguments');
      trigger.used = true;
      const v: StandinView = { id: nextId('V'), triggerId, view };
      s.views.push(v);
      return ok({ view: { id: v.id, ...view } });
    },
  };

  const handleApi = (method: string, args: Record<string, unknown>, token: string | undefined): ApiResult => {
    const queued = failures.get(method);
    const injected = queued?.[0];
    if (injected !== undefined) {
      injected.times -= 1;
      if (injected.times <= 0) queued?.shift();
      const f = injected.failure;
      if ('error' in f) return fail(f.error);
      if ('retryAfterSec' in f) {
        return { status: 429, headers: { 'retry-after': String(f.retryAfterSec) }, body: { ok: false, error: 'ratelimited' } };
      }
      if ('status' in f) return { status: f.status, body: f.body ?? 'upstream failure' };
      const impl = methods[method];
      if (impl) impl(args);
      return { status: f.applyThenStatus, body: 'upstream failure after apply' };
    }
    // apps.connections.open takes the app-level token; every other method the bot token.
    const expected = method === 'apps.connections.open' ? appToken : s.botToken;
    if (token !== expected) return fail(token === undefined ? 'not_authed' : 'invalid_auth');
    if (s.tokenState === 'invalid') return fail('invalid_auth');
    if (s.tokenState === 'inactive') return fail('account_inactive');
    const impl = methods[method];
    if (impl === undefined) return fail('unknown_method');
    return impl(args);
  };

  // ---- response_url ---------------------------------------------------------------------

  const issueResponseUrl = (issuedFor: StandinResponse['issuedFor']): string => {
    const id = nextId('R');
    responseUrls.set(id, issuedFor);
    return `${s.origin}/response/${id}`;
  };
  const issueTrigger = (): string => {
    const id = `${nextId('')}.${Math.floor(Math.random() * 1e9)}`;
    triggers.set(id, { used: false });
    return id;
  };

  // ---- HTTP server ----------------------------------------------------------------------

  const send = (res: ServerResponse, result: ApiResult): void => {
    const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    res.writeHead(result.status, {
      'content-type': typeof result.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      ...(result.headers ?? {}),
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = await readBody(req);
      let args: Record<string, unknown>;
      try {
        args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
      } catch {
        send(res, { status: 200, body: { ok: false, error: 'invalid_json' } });
        return;
      }
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        const method = url.pathname.slice('/api/'.length);
        const held = holds.get(method)?.shift();
        if (held !== undefined) {
          held.arrived();
          await held.gate;
        }
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7) : str(args.token);
        const result = handleApi(method, args, token);
        seq += 1;
        const body = typeof result.body === 'string' ? undefined : result.body;
        s.calls.push({
          seq,
          method,
          args,
          token,
          httpStatus: result.status,
          ok: body?.ok === true,
          ...(typeof body?.error === 'string' ? { error: body.error } : {}),
        });
        send(res, result);
        events.emit('change');
        return;
      }
      if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
        const issuedFor = responseUrls.get(url.pathname.slice('/response/'.length));
        if (issuedFor === undefined) {
          send(res, { status: 404, body: 'no such response_url' });
          return;
        }
        s.responses.push({ url: url.toString(), body: args, issuedFor });
        send(res, { status: 200, body: 'ok' });
        events.emit('change');
        return;
      }
      send(res, { status: 404, body: 'not found' });
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: String(err) });
    });
  });

  server.on('upgrade', (req, socket) => {
    if (!(req.url ?? '').startsWith('/socket-mode')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const peer = SocketPeer.accept(req, socket);
    if (peer === undefined) return;
    peers.add(peer);
    peer.onClose = () => {
      peers.delete(peer);
      events.emit('change');
    };
    peer.onText = (text) => {
      let ack: unknown;
      try {
        ack = JSON.parse(text);
      } catch {
        return;
      }
      const id = isRecord(ack) ? ack.envelope_id : undefined;
      if (typeof id !== 'string') return;
      const resolve = pendingAcks.get(id);
      pendingAcks.delete(id);
      resolve?.(ack as EnvelopeAck);
    };
    peer.sendText(JSON.stringify({ type: 'hello', num_connections: peers.size, debug_info: { host: 'standin' }, connection_info: { app_id: 'A0FIRSTWATCH' } }));
    events.emit('change');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  s.origin = `http://127.0.0.1:${port}`;
  s.url = `${s.origin}/api/`;
  s.close = () =>
    new Promise<void>((resolve) => {
      for (const peer of peers) peer.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  // ---- Sending to the bot ----------------------------------------------------------------

  const endpoint = (): string => {
    if (s.botEndpoint === undefined) throw new Error('slack stand-in: set botEndpoint before sending interactions');
    return s.botEndpoint;
  };
  const userRef = (id: string): Record<string, unknown> => {
    const u = s.users.get(id);
    return { id, username: u?.name ?? id, name: u?.name ?? id, team_id: s.teamId };
  };
  const prepareForm = (fields: Record<string, string>, sign?: SignOptions): PreparedRequest =>
    signedRequest(endpoint(), s.signingSecret, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', sign);
  const sendForm = (fields: Record<string, string>, sign?: SignOptions): Promise<BotAnswer> => sendPrepared(prepareForm(fields, sign));

  async function sendBlockAction(input: BlockActionInput, sign?: SignOptions): Promise<BotAnswer> {
    return sendForm({ payload: JSON.stringify(blockActionPayload(input)) }, sign);
  }

  function blockActionPayload(input: BlockActionInput): Record<string, unknown> {
    const message = s.message(input.channel, input.messageTs);
    const payload = {
      type: 'block_actions',
      user: userRef(input.user),
      api_app_id: 'A0FIRSTWATCH',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: input.messageTs,
        channel_id: input.channel,
        is_ephemeral: false,
        ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      },
      trigger_id: issueTrigger(),
      team: { id: s.teamId, domain: 'firstwatch-standin' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: input.channel, name: s.channels.get(input.channel)?.name ?? input.channel },
      message: message ? wireMessage(message, false) : { type: 'message', ts: input.messageTs, text: '' },
      state: { values: {} },
      response_url: issueResponseUrl({ kind: 'block_actions', user: input.user, channel: input.channel }),
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId ?? 'fw_actions',
          text: { type: 'plain_text', text: input.actionId, emoji: true },
          ...(input.value !== undefined ? { value: input.value } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    return payload;
  }

  async function sendSlashCommand(input: SlashCommandInput, sign?: SignOptions): Promise<BotAnswer> {
    return sendForm(slashCommandFields(input), sign);
  }

  function slashCommandFields(input: SlashCommandInput): Record<string, string> {
    return {
      token: 'legacy-verification-token',
      team_id: s.teamId,
      team_domain: 'firstwatch-standin',
      channel_id: input.channel,
      channel_name: s.channels.get(input.channel)?.name ?? input.channel,
      user_id: input.user,
      user_name: s.users.get(input.user)?.name ?? input.user,
      command: input.command,
      text: input.text,
      api_app_id: 'A0FIRSTWATCH',
      is_enterprise_install: 'false',
      response_url: issueResponseUrl({ kind: 'command', user: input.user, channel: input.channel }),
      trigger_id: issueTrigger(),
    };
  }

  async function sendViewSubmission(input: ViewSubmissionInput, sign?: SignOptions): Promise<BotAnswer> {
    return sendForm({ payload: JSON.stringify(viewSubmissionPayload(input)) }, sign);
  }

  function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
    const opened = [...s.views].reverse().find((v) => v.view.callback_id === input.callbackId);
    const payload = {
      type: 'view_submission',
      team: { id: s.teamId, domain: 'firstwatch-standin' },
      user: userRef(input.user),
      api_app_id: 'A0FIRSTWATCH',
      token: 'legacy-verification-token',
      trigger_id: issueTrigger(),
      view: {
        id: opened?.id ?? nextId('V'),
        team_id: s.teamId,
        type: 'modal',
        blocks: opened?.view.blocks ?? [],
        private_metadata: input.privateMetadata ?? '',
        callback_id: input.callbackId,
        state: { values: input.values },
        hash: 'standin-hash',
        title: opened?.view.title ?? { type: 'plain_text', text: 'FirstWatch' },
        app_id: 'A0FIRSTWATCH',
        bot_id: s.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return payload;
  }

  async function sendEvent(input: EventInput, sign?: SignOptions): Promise<BotAnswer> {
    return postToBot(endpoint(), s.signingSecret, JSON.stringify(eventBody(input)), 'application/json', sign);
  }

  function eventBody(input: EventInput): Record<string, unknown> {
    const body = {
      token: 'legacy-verification-token',
      team_id: s.teamId,
      api_app_id: 'A0FIRSTWATCH',
      event: { event_ts: `${Date.now() / 1000}`, ...input.event },
      type: 'event_callback',
      event_id: nextId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: s.teamId, user_id: s.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return body;
  }

  // ---- Socket Mode -----------------------------------------------------------------------

  const envelope = (type: 'interactive' | 'slash_commands' | 'events_api', payload: unknown): Promise<EnvelopeAck> => {
    const peer = [...peers][0];
    if (peer === undefined) return Promise.reject(new Error('slack stand-in: no Socket Mode connection'));
    const id = nextId('env-');
    const acked = new Promise<EnvelopeAck>((resolve) => pendingAcks.set(id, resolve));
    peer.sendText(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return acked;
  };
  s.socket = {
    appToken,
    connections: () => peers.size,
    connected: () => s.waitFor(() => peers.size > 0, 'a Socket Mode connection').then(() => undefined),
    blockAction: (input) => envelope('interactive', blockActionPayload(input)),
    slashCommand: (input) => envelope('slash_commands', slashCommandFields(input)),
    viewSubmission: (input) => envelope('interactive', viewSubmissionPayload(input)),
    event: (input) => envelope('events_api', eventBody(input)),
  };

  return s;
}
