import { readFileSync } from 'node:fs';
import { loadConfig, redactConfig } from '../../src/config';
import { startPlayground } from '../../src/chat/teams';
import { createLogger } from '../../src/logging/logger';
import { startHttpServer, type HttpServer } from '../../src/server';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics and /readyz behind METRICS_TOKEN', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger('silent'),
      readiness: async () => [{ name: 'store', ok: true }],
      metrics: async () => ({ contentType: 'text/plain', body: 'firstwatch_up 1\n' }),
      metricsToken: TOKEN,
    });
  });
  afterAll(() => server.close());

  const get = (path: string, authorization?: string): Promise<Response> =>
    fetch(`${server.url}${path}`, authorization !== undefined ? { headers: { authorization } } : {});

  it.each(['/metrics', '/readyz'])('refuses %s without the token, or with a wrong one, with 401 and a fixed body', async (path) => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer ']) {
      const res = await get(path, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    }
  });

  it('answers with the token, and leaves /healthz open for the container health check', async () => {
    expect((await get('/metrics', `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get('/readyz', `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('reads METRICS_TOKEN as a secret: redacted when printed, refused when short', () => {
    const config = loadConfig({ METRICS_TOKEN: TOKEN }, { envFile: false });
    expect(config.server.metricsToken).toBe(TOKEN);
    expect(JSON.stringify(redactConfig(config))).not.toContain(TOKEN);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' }, { envFile: false })).toThrow(
      /METRICS_TOKEN=\*\*\* is not valid: expected at least 16 printable characters/,
    );
  });
});

/** The addresses (hex, as /proc/net shows them) listening on a TCP port. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [address, p] = (cols[1] ?? '').split(':');
      if (p === hexPort && cols[3] === '0A' && address !== undefined) out.push(address);
    }
  }
  return out;
}

describe('the Agents Playground', () => {
  it('listens on loopback only, although its CLI has no host option', async () => {
    const playground = await startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', port: 0, installBot: false });
    try {
      const addresses = listeners(playground.port);
      expect(addresses.length).toBeGreaterThan(0);
      // 0100007F is 127.0.0.1; a wildcard would be 00000000 (or all zeros in tcp6).
      expect(addresses.every((a) => a === '0100007F')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${playground.port}/_internal/v1/config`)).status).toBeLessThan(500);
    } finally {
      await playground.stop();
    }
  }, 60_000);
});
