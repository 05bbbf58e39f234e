import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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
}

export interface HttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Teams activities are small; anything bigger is not a real activity. */
const TEAMS_BODY_LIMIT = '256kb';

/** Composition of the HTTP routes; each platform owns its own handler. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res, next) => {
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
    app.get('/metrics', (_req, res, next) => {
      metrics()
        .then((m) => res.type(m.contentType).send(m.body))
        .catch(next);
    });
  }
  if (options.teams !== undefined) {
    const teams = options.teams;
    app.post(
      '/api/messages',
      requireJson,
      express.json({ limit: TEAMS_BODY_LIMIT, strict: true }),
      teams,
    );
  }
  if (options.slack !== undefined) {
    app.use('/slack/events', options.slack);
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(options.logger));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once('error', reject);
  });
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

const requireJson: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'expected Content-Type: application/json' });
    return;
  }
  next();
};

/** Malformed or oversized bodies get a 4xx that says so; never a stack trace. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = httpStatusOf(err);
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    const message =
      status === 400 ? 'malformed JSON body' : status === 413 ? 'request body too large' : 'internal error';
    res.status(status).json({ error: message });
  };
}

function httpStatusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof s === 'number' && s >= 400 && s < 600) return s;
  }
  return 500;
}
