import express, { type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** One Bot Connector call the bot made. */
export interface ConnectorCall {
  method: string;
  /** Decoded path below the service URL, e.g. /v3/conversations/19:x;messageid=1/activities */
  path: string;
  body: Record<string, unknown>;
}

export interface Fault {
  /** Which calls it applies to, e.g. (c) => c.method === 'POST'. */
  match: (call: ConnectorCall) => boolean;
  status: number;
  headers?: Record<string, string>;
  /** Do the call first, then answer `status`: a gateway timing out on a request the service carried out (Teams' 502/504). */
  applied?: boolean;
}

/**
 * A loopback stand-in for the Bot Connector service (the serviceUrl Teams
 * gives the bot): records every call, answers like Teams does, and fails the
 * calls it is told to (429 with Retry-After, 5xx, 403…).
 */
export class ConnectorStandIn {
  readonly calls: ConnectorCall[] = [];
  /** Channels per team for GET /v3/teams/{id}/conversations. */
  readonly teams = new Map<string, { id: string; name?: string }[]>();
  /** Members for GET /v3/conversations/{id}/members/{user}. */
  readonly members = new Map<string, Record<string, unknown>>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  private next = 1000;
  url = '';

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use((req, res) => this.handle(req, res));
    this.server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next matching call fails with `status` (queue several for several failures). */
  failNext(status: number, match: Fault['match'] = () => true, headers?: Record<string, string>): void {
    this.faults.push({ match, status, ...(headers ? { headers } : {}) });
  }

  /** The next matching call is carried out (a thread is created, say), then answered with `status`. */
  applyThenFail(status: number, match: Fault['match'] = () => true): void {
    this.faults.push({ match, status, applied: true });
  }

  /** Calls whose method and path match. */
  find(method: string, pathPattern: RegExp): ConnectorCall[] {
    return this.calls.filter((c) => c.method === method && pathPattern.test(c.path));
  }

  private handle(req: Request, res: Response): void {
    const path = decodeURIComponent(req.path);
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const call: ConnectorCall = { method: req.method, path, body };
    this.calls.push(call);
    const fault = this.faults.findIndex((f) => f.match(call));
    if (fault >= 0) {
      const f = this.faults.splice(fault, 1)[0];
      if (f.applied === true) {
        // The service's own answer is lost on the way back.
        const lost = { status: () => lost, set: () => lost, json: () => lost };
        this.answer(req.method, path, body, lost as unknown as Response);
      }
      res
        .status(f.status)
        .set(f.headers ?? {})
        .json({ error: { code: 'Injected', message: `injected ${f.status}` } });
      return;
    }
    this.answer(req.method, path, body, res);
  }

  private answer(method: string, path: string, body: Record<string, unknown>, res: Response): void {
    const req = { method };
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v3/conversations') {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? 'chat';
      const id = String(this.next++);
      res.status(201).json({ id: `${channel};messageid=${id}`, activityId: id });
      return;
    }
    if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/.test(path)) {
      res.status(201).json({ id: String(this.next++) });
      return;
    }
    if (req.method === 'PUT' && (m = /^\/v3\/conversations\/[^/]+\/activities\/([^/]+)$/.exec(path))) {
      res.status(200).json({ id: m[1] });
      return;
    }
    if (req.method === 'GET' && (m = /^\/v3\/conversations\/[^/]+\/members\/([^/]+)$/.exec(path))) {
      const member = this.members.get(m[1]);
      if (member) res.json(member);
      else res.status(404).json({ error: { code: 'MemberNotFound', message: 'no such member' } });
      return;
    }
    if (req.method === 'GET' && (m = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(path))) {
      res.json({ conversations: this.teams.get(m[1]) ?? [] });
      return;
    }
    res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${path}` } });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
