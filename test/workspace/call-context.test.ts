/**
 * Each query's own context (its abort signal, the raw error of a partial
 * answer) travels with its request under a header of FirstWatch's own: the
 * header never leaves the process, and two queries in flight at once each get
 * their own answer's error.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogAnalyticsSource } from '../../src/workspace/log-analytics-source';

const SPAN = { start: new Date('2026-11-27T11:00:00Z'), end: new Date('2026-11-27T12:00:00Z') };
const TABLE = { name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] };

let server: Server;
let url: string;
const seen: IncomingHttpHeaders[] = [];

/** Answers a query naming "partial:<cause>" with a partial result whose inner error is that cause, after a short wait. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(req.headers);
      const { query } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string };
      const cause = /partial:(\w+)/.exec(query)?.[1];
      const body = cause
        ? {
            tables: [TABLE],
            error: {
              code: 'PartialError',
              message: 'There were some errors when processing your query.',
              details: [
                { code: 'EngineError', message: 'outer', innererror: { code: 'E', message: cause, severity: 2, severityName: 'Error' } },
              ],
            },
          }
        : { tables: [TABLE] };
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), cause === 'slow' ? 60 : 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function source(): LogAnalyticsSource {
  return new LogAnalyticsSource({ name: 'raw', workspaceId: 'w', endpoint: url, local: true, maxRetries: 0 });
}

it('keeps its call header to itself', async () => {
  seen.length = 0;
  await expect(source().query('T | take 1', SPAN)).resolves.toMatchObject({ rows: [{ x: 1 }] });
  expect(seen).toHaveLength(1);
  expect(Object.keys(seen[0] ?? {}).filter((h) => h.startsWith('x-firstwatch'))).toEqual([]);
});

it('gives each of two queries in flight its own partial error', async () => {
  const s = source();
  const [slow, fast, clean] = await Promise.allSettled([
    s.query('T | where partial:slow', SPAN),
    s.query('T | where partial:fast', SPAN),
    s.query('T | take 1', SPAN),
  ]);
  expect(slow).toMatchObject({ status: 'rejected', reason: { kind: 'partial', message: expect.stringContaining('slow') } });
  expect(fast).toMatchObject({ status: 'rejected', reason: { kind: 'partial', message: expect.stringContaining('fast') } });
  expect(clean).toMatchObject({ status: 'fulfilled', value: { rows: [{ x: 1 }] } });
});
