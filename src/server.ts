import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AnswersOwed } from './chat/answers-owed';
import type { Logger } from './logging/logger';

export interface ReadyCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** POST /api/messages (Teams, Agents SDK). Receives a parsed JSON body. */
  teams?: RequestHandler;
  /** /slack/events (Bolt HTTP mode). Receives the raw body: Bolt verifies the signature over it. */
  slack?: RequestHandler;
  readiness: () => Promise<ReadyCheck[]>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** When set, /readyz and /metrics require "Authorization: Bearer <token>" (they tell an outsider what runs and how). */
  metricsToken?: string;
  /** Called once per answered request with its route (a fixed name, never the raw path) and status. */
  onRequest?: (route: string, status: number) => void;
  /** Counts each Slack and Teams request from its arrival to its answer, so the slow halves can let them go first. */
  answers?: AnswersOwed;
}

export interface HttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Teams activities are small; anything bigger is not a real activity. */
const TEAMS_BODY_LIMIT = '256kb';
/** Slack interaction payloads (a modal submission with its view) stay well under this. */
export const SLACK_BODY_LIMIT_BYTES = 512 * 1024;
/** An incoming x-request-id is kept only when it looks like an id (it ends up in every log line of the request). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id (x-request-id when safe, else generated). */
    requestId?: string;
    /** A logger bound to the request id. */
    log?: Logger;
  }
}

/** Composition of the HTTP routes; each platform owns its own handler. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(options));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const operator = bearerGuard(options.metricsToken);
  app.get('/readyz', operator, (_req, res, next) => {
    options
      .readiness()
      .then((checks) => {
        const ok = checks.every((c) => c.ok);
        res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
      })
      .catch(next);
  });
  if (options.metrics !== undefined) {
    const metrics = options.metrics;
    app.get('/metrics', operator, (_req, res, next) => {
      metrics()
        .then((m) => res.type(m.contentType).send(m.body))
        .catch(next);
    });
  }
  if (options.teams !== undefined) {
    const teams = options.teams;
    app.post('/api/messages', requireJson, express.json({ limit: TEAMS_BODY_LIMIT, strict: true }), requireObjectBody, teams);
  }
  if (options.slack !== undefined) {
    app.use('/slack/events', slackGuard, options.slack);
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(options.logger));

  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 hands a listen error (EADDRINUSE) to this callback instead of throwing it.
    const s = app.listen(options.port, options.host, (err?: Error) => (err === undefined ? resolve(s) : reject(err)));
  });
  // Slow or stalled clients do not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function requestContext(options: HttpServerOptions): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = requestId;
    // Built on first use: most requests log nothing at the configured level, and a child logger per request showed in burst profiles.
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: () => (log ??= options.logger.child({ requestId })) });
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    const route = routeOf(pathOf(req.originalUrl));
    if (options.answers !== undefined && INTERACTION_ROUTES.has(route)) {
      // Answered, or given up on by the client: either way nobody waits for it any more.
      const answered = options.answers.begin();
      res.once('finish', answered);
      res.once('close', answered);
    }
    res.on('finish', () => {
      options.onRequest?.(route, res.statusCode);
      const entry = { method: req.method, route, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (res.statusCode >= 500) req.log?.warn(entry, 'request answered with an error');
      else options.logger.debug({ requestId, ...entry }, 'request');
    });
    next();
  };
}

/** Passes requests carrying the token (compared in constant time); 401 with a fixed body otherwise. No token: open. */
function bearerGuard(token: string | undefined): RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const expected = createHash('sha256').update(token).digest();
  return (req, res, next) => {
    const given = /^Bearer ([\x21-\x7e]{1,1024})$/.exec(req.get('authorization') ?? '')?.[1];
    if (given !== undefined && timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      next();
      return;
    }
    res.setHeader('www-authenticate', 'Bearer');
    res.status(401).json({ error: 'unauthorized' });
  };
}

/** The routes where someone waits for the answer: Slack's 3 s and Teams' 5 s. */
const INTERACTION_ROUTES = new Set(['/api/messages', '/slack/events']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** A fixed set of route names, so hostile paths never become labels or log keys. */
function routeOf(path: string): string {
  if (path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/api/messages') return path;
  if (path === '/slack/events' || path.startsWith('/slack/events/')) return '/slack/events';
  return 'other';
}

const requireJson: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'expected Content-Type: application/json' });
    return;
  }
  next();
};

/** The envelope every Bot Framework activity has; the SDK throws (a 500) on less. */
const requireObjectBody: RequestHandler = (req, res, next) => {
  const problem = activityProblem(req.body);
  if (problem !== undefined) {
    res.status(400).json({ error: `not an activity: ${problem}` });
    return;
  }
  next();
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function activityProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'expected a JSON object';
  if (typeof body.type !== 'string' || body.type.length === 0 || body.type.length > 64) return 'type must be a short string';
  for (const key of ['from', 'conversation', 'recipient'] as const) {
    const party = body[key];
    if (!isRecord(party) || typeof party.id !== 'string' || party.id.length === 0) return `${key}.id must be a string`;
  }
  if (typeof body.serviceUrl !== 'string' || !/^https?:\/\/[^\s/]+/i.test(body.serviceUrl)) return 'serviceUrl must be an http(s) URL';
  // Without it the SDK cannot answer an invoke and the turn fails (a 501): every real activity has one.
  if (typeof body.channelId !== 'string' || body.channelId.length === 0 || body.channelId.length > 64)
    return 'channelId must be a short string';
  if (body.channelData !== undefined && !isRecord(body.channelData)) return 'channelData must be an object';
  if (body.text !== undefined && typeof body.text !== 'string') return 'text must be a string';
  return undefined;
}

/**
 * Bolt reads the raw body itself (to verify the signature) without a size
 * limit: refuse what no Slack request looks like before it gets there.
 */
const slackGuard: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') {
    res.status(405).json({ error: 'Slack events are POSTed' });
    return;
  }
  if (!req.is(['application/x-www-form-urlencoded', 'application/json'])) {
    res.status(415).json({ error: 'expected Content-Type: application/x-www-form-urlencoded or application/json' });
    return;
  }
  const raw = req.get('content-length');
  if (raw === undefined || !/^\d{1,12}$/.test(raw)) {
    res.status(411).json({ error: 'a Content-Length is required' });
    return;
  }
  if (Number(raw) > SLACK_BODY_LIMIT_BYTES) {
    res.status(413).json({ error: 'request body too large' });
    return;
  }
  next();
};

/** Malformed or oversized bodies get a 4xx that says so; never a stack trace. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = httpStatusOf(err);
    const log = req.log ?? logger;
    if (status >= 500) log.error({ err, route: routeOf(pathOf(req.originalUrl)) }, 'request failed');
    else if (status === 422)
      log.warn(
        { route: routeOf(pathOf(req.originalUrl)), error: err instanceof Error ? err.message.slice(0, 500) : 'invalid' },
        'activity refused',
      );
    if (res.headersSent) return;
    res.status(status).json({ error: messageFor(status), requestId: req.requestId });
  };
}

function messageFor(status: number): string {
  switch (status) {
    case 400:
      return 'malformed JSON body';
    case 413:
      return 'request body too large';
    case 415:
      return 'unsupported content type or encoding';
    case 422:
      return 'the activity does not have the shape of a Bot Framework activity';
    default:
      return status < 500 ? 'bad request' : 'internal error';
  }
}

function httpStatusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    // The Agents SDK validates each activity with zod and throws its ZodError on a bad one: the sender's fault.
    if ((err as { name?: unknown }).name === 'ZodError') return 422;
    const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof s === 'number' && s >= 400 && s < 600) return s;
  }
  return 500;
}
