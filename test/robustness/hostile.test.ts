import http from 'node:http';
import type { Running } from '../../src/app/run';
import type { App } from '../../src/app/build';
import type { SlackStandin } from '../support/slack-standin';
import { startSlackApp, type SlackApp } from '../support/slack-app';
import { actionPayload, Gen, hostileRequest, seeded } from './fuzz/generator';
import { request, type Answer, type RawRequest } from '../support/http-client';

const HTTP_REQUESTS = 7_000;
const ROUTER_PAYLOADS = 4_000;
const PARALLEL = 8;
/** What an answer must never show: stack frames, source paths, error class names. */
const LEAK = /\n\s+at |node_modules|\/work\/|\.ts:\d+|TypeError|SyntaxError|RangeError|ReferenceError/;

describe('hostile traffic against the whole process (Teams anonymous loopback, Slack HTTP mode, SQLite)', () => {
  let standin: SlackStandin;
  let app: App;
  let running: Running;
  let whole: SlackApp;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    // Teams in Playground mode without afterListen: the route is served, the Playground itself is not started.
    whole = await startSlackApp({ env: { RESPONDERS: 'alice@contoso.com', TEAMS_PLAYGROUND: 'true' } });
    ({ standin, app, running } = whole);
    await app.dispatcher.drainUntilIdle();
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await whole?.close();
  });

  const alertsNow = async (): Promise<string> => JSON.stringify(await app.store.listAlerts({ status: 'all', limit: 1000 }));
  const auditNow = () => app.store.listAudit({ limit: 1000 });

  it(`answers ${HTTP_REQUESTS} malformed requests and ${ROUTER_PAYLOADS} hostile button payloads with refusals, changing nothing`, async () => {
    const alertsBefore = await alertsNow();
    const auditBefore = await auditNow();
    expect(JSON.parse(alertsBefore).length).toBeGreaterThan(0);

    const g = new Gen(seeded(20261127));
    const requests: RawRequest[] = Array.from({ length: HTTP_REQUESTS }, () => hostileRequest(g, standin.signingSecret));
    const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });
    const bad: { req: RawRequest; answer?: Answer; error?: string }[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < requests.length) {
          const req = requests[next++] as RawRequest;
          try {
            const answer = await request(running.http.url, req, agent);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            if (answer.status >= 500 || LEAK.test(answer.body)) bad.push({ req: { ...req, body: String(req.body).slice(0, 600) }, answer });
          } catch (err) {
            // The server may close a connection on a body it refused (413); anything else is a failure.
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'ECONNRESET' && code !== 'EPIPE') bad.push({ req: { ...req, body: undefined }, error: String(err) });
          }
        }
      }),
    );
    agent.destroy();

    const ctxs = [
      { actor: { platform: 'slack', id: 'U0ALICE', displayName: 'Alice', email: 'alice@contoso.com' }, origin: 'slack:C0ALERTS' },
      { actor: { platform: 'teams', id: 'x', displayName: 'Mallory', email: 'mallory@evil.example' }, origin: 'teams:General' },
      // Not listed, in a direct message and in a channel FirstWatch was not configured for.
      { actor: { platform: 'slack', id: 'U0EVE', displayName: 'Eve' }, origin: 'slack:D0EVE' },
      { actor: { platform: 'slack', id: 'U0EVE', displayName: 'Eve', email: 'eve@contoso.com' }, origin: 'slack:C0ELSEWHERE' },
    ];
    const routerReplies = new Map<string, number>();
    for (let i = 0; i < ROUTER_PAYLOADS; i++) {
      const reply = await app.router.handleAction(actionPayload(g), g.pick(ctxs) as never);
      routerReplies.set(reply.kind, (routerReplies.get(reply.kind) ?? 0) + 1);
    }

    expect(bad.slice(0, 5)).toEqual([]);
    expect(rejections).toEqual([]);
    // Every route family was exercised and refused (4xx), not just one.
    expect([...statuses.keys()].filter((s) => s >= 400 && s < 500).length).toBeGreaterThanOrEqual(5);
    expect(routerReplies.get('error')).toBe(ROUTER_PAYLOADS);
    expect((await request(running.http.url, { path: '/healthz' })).status).toBe(200);
    expect((await request(running.http.url, { path: '/readyz' })).status).toBe(200);
    expect(await alertsNow()).toBe(alertsBefore);
    // The only trace allowed is audited refusals (every refusal is attributable), and the flood of
    // thousands of them is held to each actor's share of audit lines.
    const auditAfter = await auditNow();
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    const added = auditAfter.slice(auditBefore.length);
    for (const entry of added) expect(entry.outcome).toBe('refused');
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThan(ROUTER_PAYLOADS / 10);
  }, 120_000);
});
