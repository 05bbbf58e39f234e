import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { Faults } from './faults';
import type { InteractionLinks } from './interaction-links';
import { callRecorder } from './recorded';
import type { SocketModeServer } from './socket-mode';
import { isRecord, str } from './values';
import type { ApiResult, WebApi } from './web-api';
import type { World } from './world';

/** Fields WebClient JSON-encodes into the form body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

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

function send(res: ServerResponse, result: ApiResult): void {
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': typeof result.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
    ...(result.headers ?? {}),
  });
  res.end(body);
}

export interface StandinServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * The stand-in's one HTTP server on loopback: the Web API under /api/<method> (every call
 * recorded), response_urls under /response/<id>, and Socket Mode upgrades on /socket-mode.
 */
export async function startServer(
  world: World,
  parts: { api: WebApi; faults: Faults; links: InteractionLinks; socketMode: SocketModeServer },
): Promise<StandinServer> {
  const record = callRecorder(world);
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
        const held = parts.faults.heldUntilRelease(method);
        if (held !== undefined) await held;
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7) : str(args.token);
        const result = parts.api(method, args, token);
        record(method, args, token, result);
        send(res, result);
        world.changed();
        return;
      }
      if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
        const received = parts.links.receiveResponse(url.pathname.slice('/response/'.length), url.toString(), args);
        if (received !== 'ok') {
          // hooks.slack.com answers a spent or stale response_url with 404 and a plain-text reason.
          send(res, { status: 404, body: received === 'unknown' ? 'no_service' : received === 'expired' ? 'expired_url' : 'used_url' });
          return;
        }
        send(res, { status: 200, body: 'ok' });
        world.changed();
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
    parts.socketMode.accept(req, socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        parts.socketMode.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
