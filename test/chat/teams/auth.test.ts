/**
 * Who may call POST /api/messages: the real adapter and JWT middleware over HTTP.
 * With bot credentials every request needs a Bot Framework token signed by a
 * key of the configured authority (here a loopback JWKS); without them only
 * this machine may call, and never in production.
 */
import express from 'express';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { isLoopbackAddress, resolveTeamsAuth, TeamsSetupError } from '../../../src/chat/teams';
import { botAddedToTeam, send, TENANT } from './activities';
import { startBot, type BotHarness } from './harness';

const APP_ID = '6f0c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';
// The tenant the activities come from is the bot's own; OTHER_TENANT is a stranger's.
const TENANT_ID = TENANT;
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
const KID = 'test-key-1';

let jwks: Server;
let authority: string;
let privateKey: KeyObject;
let strangerKey: KeyObject;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' };
  const app = express();
  app.get(`/${TENANT_ID}/discovery/v2.0/keys`, (_req, res) => {
    res.json({ keys: [jwk] });
  });
  jwks = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  authority = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
});

afterAll(async () => {
  const closed = new Promise<void>((resolve) => jwks.close(() => resolve()));
  jwks.closeAllConnections();
  await closed;
});

function token(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { iss: `${authority}/${TENANT_ID}/v2.0`, tid: TENANT_ID, aud: APP_ID, iat: now, nbf: now, exp: now + 600, ...claims },
    key,
    { algorithm: 'RS256', keyid: KID },
  );
}

/** An activity that needs no connector call back (expectReplies, no serviceUrl). */
function quietActivity(): Record<string, unknown> {
  const a = botAddedToTeam('http://127.0.0.1:9');
  delete a.serviceUrl;
  return { ...a, id: randomUUID(), deliveryMode: 'expectReplies' };
}

describe('with bot credentials', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBot({ credentials: { appId: APP_ID, appPassword: 'not-a-real-secret', tenantId: TENANT_ID, authority } });
  });

  afterAll(async () => {
    await bot.close();
  });

  test('the platform says it authenticates', () => {
    expect(bot.platform.authMode).toBe('authenticated');
  });

  test('a request without a token is refused with 401 and reaches nothing', async () => {
    const answer = await send(bot.endpoint, quietActivity());
    expect(answer.status).toBe(401);
    expect(await bot.store.listConversationRefs('teams')).toEqual([]);
  });

  test.each([
    ['a malformed Authorization header', 'Basic dXNlcjpwYXNz'],
    ['a token that is not a JWT', 'Bearer not.a.token'],
    ['a token for another bot', () => `Bearer ${token({ aud: 'some-other-app' })}`],
    ['a token signed by an unknown key', () => `Bearer ${token({}, strangerKey)}`],
    ['an expired token', () => `Bearer ${token({ iat: 1_000, nbf: 1_000, exp: 2_000 })}`],
  ])('%s is refused with 401', async (_name, header) => {
    const value = typeof header === 'function' ? header() : header;
    const answer = await send(bot.endpoint, quietActivity(), { authorization: value });
    expect(answer.status).toBe(401);
  });

  // Signed with the trusted key, as an attacker holding a stolen (cross-tenant) Entra signing key would.
  test.each([
    ['a foreign issuer', () => token({ iss: 'https://evil.example/' })],
    ["another tenant's issuer and tenant id", () => token({ iss: `${authority}/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT })],
    ["another tenant's Entra v1 issuer", () => token({ iss: `https://sts.windows.net/${OTHER_TENANT}/`, tid: OTHER_TENANT })],
    ['our issuer with another tenant id', () => token({ tid: OTHER_TENANT })],
    ['a ten-year lifetime', () => token({ exp: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400 })],
  ])('a trusted-key token with %s is refused with 401 and a fixed body, the detail only in the log', async (_name, make) => {
    const answer = await send(bot.endpoint, quietActivity(), { authorization: `Bearer ${make()}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized' });
    expect(await bot.store.listConversationRefs('teams')).toEqual([]);
  });

  test("a valid token carrying another tenant's activity is refused", async () => {
    const activity = quietActivity();
    const foreign = {
      ...activity,
      conversation: { ...(activity.conversation as object), tenantId: OTHER_TENANT },
      channelData: { ...(activity.channelData as object), tenant: { id: OTHER_TENANT } },
    };
    const answer = await send(bot.endpoint, foreign, { authorization: `Bearer ${token({})}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized' });
  });

  test("the SDK's own refusals answer the same fixed body", async () => {
    const answer = await send(bot.endpoint, quietActivity(), { authorization: `Bearer ${token({}, strangerKey)}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized' });
  });

  test('a token signed by the authority for this bot is accepted', async () => {
    const answer = await send(bot.endpoint, quietActivity(), { authorization: `Bearer ${token({})}` });
    expect(answer.status).toBe(200);
  });
});

describe('without bot credentials', () => {
  test('requests from loopback are accepted anonymously', async () => {
    const bot = await startBot();
    try {
      expect(bot.platform.authMode).toBe('anonymous');
      const answer = await send(bot.endpoint, quietActivity());
      expect(answer.status).toBe(200);
    } finally {
      await bot.close();
    }
  });

  test('requests from any other address are refused with 401 before the SDK sees them', async () => {
    const bot = await startBot();
    try {
      let status = 0;
      let sdkCalled = false;
      const res = {
        status(code: number) {
          status = code;
          return this;
        },
        json() {
          return this;
        },
      };
      const req = { socket: { remoteAddress: '10.1.2.3' }, body: quietActivity(), headers: {}, method: 'POST' };
      bot.platform.requestHandler(req as never, res as never, () => {
        sdkCalled = true;
      });
      expect(status).toBe(401);
      expect(sdkCalled).toBe(false);
    } finally {
      await bot.close();
    }
  });

  test('NODE_ENV=production refuses to start, saying what to configure', () => {
    expect(() => resolveTeamsAuth({}, 'production')).toThrow(TeamsSetupError);
    expect(() => resolveTeamsAuth({}, 'production')).toThrow(/TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID/);
  });

  test('a secret without an app id is a set-up error', () => {
    expect(() => resolveTeamsAuth({ appPassword: 'x' }, 'development')).toThrow(/without TEAMS_APP_ID/);
    expect(() => resolveTeamsAuth({ appId: APP_ID }, 'development')).toThrow(/TEAMS_APP_PASSWORD is not/);
  });
});

test.each([
  ['127.0.0.1', true],
  ['127.8.9.10', true],
  ['::1', true],
  ['::ffff:127.0.0.1', true],
  ['10.1.2.3', false],
  ['::ffff:10.1.2.3', false],
  ['fe80::1', false],
  [undefined, false],
])('isLoopbackAddress(%s) is %s', (address, expected) => {
  expect(isLoopbackAddress(address)).toBe(expected);
});
