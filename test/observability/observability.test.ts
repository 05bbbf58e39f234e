import { PassThrough } from 'node:stream';
import type { Running } from '../../src/app/run';
import { createLogger } from '../../src/logging/logger';
import type { App } from '../../src/app/build';
import type { SlackStandin } from '../support/slack-standin';
import { startSlackApp, type SlackApp } from '../support/slack-app';
import { request } from '../support/http-client';

/** Everything the process logged, as text. */
function captureLogs(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('metrics, request ids and redaction on the whole process (Slack HTTP mode, SQLite)', () => {
  let standin: SlackStandin;
  let app: App;
  let running: Running;
  let whole: SlackApp;
  const logs = captureLogs();

  beforeAll(async () => {
    whole = await startSlackApp({ env: { RESPONDERS: 'alice@contoso.com' }, logger: createLogger('debug', logs.stream) });
    ({ standin, app, running } = whole);
  }, 120_000);

  afterAll(async () => {
    await whole?.close();
  });

  it('/metrics exposes polls, deliveries, latency, 429s, interactions, hunts and the process series after a poll and a click', async () => {
    const alerts = await app.store.listAlerts({ status: 'all', limit: 100 });
    expect(alerts.length).toBeGreaterThan(0);
    await standin.waitFor(
      () => standin.messagesIn('C0ALERTS').filter((m) => m.metadata !== undefined).length >= alerts.length,
      'every alert posted',
    );
    const message = standin.messagesIn('C0ALERTS').find((m) => m.metadata !== undefined);
    const alertId = (message?.metadata?.event_payload as { alert_id: string }).alert_id;
    const version = (await app.store.getAlert(alertId))?.version;
    const ack = await standin.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0ALERTS',
      messageTs: message?.ts as string,
      actionId: 'fw_ack',
      value: JSON.stringify({ verb: 'ack', alertId, version }),
    });
    expect(ack.status).toBe(200);
    // The card drawn at the click's new version: the slow half has run (a card may have been redrawn before the click).
    await standin.waitFor(
      () => standin.message('C0ALERTS', message?.ts as string)?.metadata?.event_payload.version === (version ?? 0) + 1,
      'card updated after the click',
    );
    await app.hunt
      .run(
        { upn: alerts[0]?.subject.upn as string, lookbackMs: 86_400_000 } as never,
        {
          actor: { platform: 'cli', id: 'alice@contoso.com', displayName: 'Alice', email: 'alice@contoso.com' },
          origin: 'cli',
        } as never,
      )
      .catch(() => undefined);

    const answer = await request(running.http.url, { path: '/metrics' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    const body = answer.body;
    const detection = app.detections[0]?.slug as string;
    expect(body).toMatch(new RegExp(`firstwatch_polls_total\\{detection="${detection}",workspace="[^"]+",outcome="ok"\\} [1-9]`));
    expect(body).toMatch(/firstwatch_poll_query_duration_seconds_count\{[^}]*\} [1-9]/);
    expect(body).toMatch(/firstwatch_alerts_created_total\{detection="[^"]+"\} [1-9]/);
    expect(body).toMatch(new RegExp(`firstwatch_deliveries_total\\{platform="slack",outcome="posted"\\} ${alerts.length}\\b`));
    expect(body).toMatch(new RegExp(`firstwatch_delivery_latency_seconds_count\\{platform="slack"\\} ${alerts.length}\\b`));
    expect(body).toMatch(/firstwatch_rate_limited_total\{service="slack"\} \d+/);
    expect(body).toMatch(/firstwatch_interactions_total\{type="action",verb="ack",outcome="ok"\} 1\b/);
    expect(body).toMatch(/firstwatch_hunt_duration_seconds_count\{outcome="[a-z_]+"\} 1\b/);
    expect(body).toMatch(/firstwatch_http_requests_total\{route="\/slack\/events",status="2xx"\} [1-9]/);
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('observes the components through their hooks: no method of the router, the hunts or the platforms is replaced', () => {
    const own = (o: object, ...names: string[]) => names.filter((n) => Object.prototype.hasOwnProperty.call(o, n));
    expect(own(app.router, 'handleAction', 'handleText')).toEqual([]);
    for (const platform of Object.values(app.platforms)) {
      expect(own(platform as object, 'postAlert', 'findPosted', 'updateAlert')).toEqual([]);
    }
  });

  it('/readyz reports the store, each detection and the running platforms; /healthz stays trivial', async () => {
    const ready = await request(running.http.url, { path: '/readyz' });
    expect(ready.status).toBe(200);
    const checks = (JSON.parse(ready.body) as { checks: { name: string; ok: boolean; detail?: string }[] }).checks;
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['store', 'platform:slack', ...app.detections.map((d) => `poll:${d.slug}`)]),
    );
    expect(checks.find((c) => c.name.startsWith('poll:'))?.detail).toMatch(/last run ok/);
    const health = await request(running.http.url, { path: '/healthz' });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  });

  it('every request carries an id: a safe x-request-id is kept and logged, anything else is replaced', async () => {
    const kept = await request(running.http.url, { path: '/healthz', headers: { 'x-request-id': 'req-abc.123' } });
    expect(kept.headers['x-request-id']).toBe('req-abc.123');
    const replaced = await request(running.http.url, { path: '/healthz', headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setImmediate(r));
    expect(logs.text()).toMatch(/"requestId":"req-abc\.123"[^\n]*"route":"\/healthz"/);
    expect(logs.text()).not.toContain('<script>');
  });

  it('a Slack token and a bearer header never reach the log, wherever they appear', async () => {
    const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-9f8e7d';
    await request(running.http.url, { method: 'POST', path: '/api/nothing-here', headers: { authorization: bearer } });
    await request(running.http.url, {
      method: 'POST',
      path: '/slack/events',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ token: standin.botToken }),
    });
    // Whatever a component logs, even inside an error message or an unnamed field.
    app.logger.error({ err: new Error(`Slack said no to ${standin.botToken}`), note: `header was ${bearer}` }, `token ${standin.botToken}`);
    app.logger.warn({ request: { headers: { authorization: bearer } }, config: { botToken: standin.botToken } }, 'nested');
    await new Promise((r) => setImmediate(r));
    const text = logs.text();
    expect(text).toContain('Slack said no to xox*-***');
    expect(text).not.toContain(standin.botToken);
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(text).not.toContain(standin.signingSecret);
  });
});
