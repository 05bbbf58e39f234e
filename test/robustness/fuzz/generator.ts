import { slackSignature } from '../../support/slack-standin';
import type { RawRequest } from '../../support/http-client';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whole characters (the emoji stays one pick, never half a surrogate pair). */
const ALPHABET = Array.from('abcXYZ019 {}[]":,\\/<>\'&%$#@!?\n\t\u0000\u00e9\u2028\ud83d\ude00');

export class Gen {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  text(n: number): string {
    const alphabet = ALPHABET;
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  /** Any JSON value, nested up to `depth`. */
  json(depth: number): unknown {
    const kind = this.int(depth > 0 ? 8 : 5);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14, Number.MAX_SAFE_INTEGER]);
      case 3:
        return this.text(this.int(20));
      case 4:
        return this.pick(['ack', 'resolve', 'hunt', '__proto__', 'constructor', 'FW-0', 'FW-99999999', '']);
      case 5:
      case 6: {
        const o: Record<string, unknown> = {};
        const n = this.int(6);
        for (let i = 0; i < n; i++) o[this.pick(KEYS)] = this.json(depth - 1);
        return o;
      }
      default:
        return Array.from({ length: this.int(5) }, () => this.json(depth - 1));
    }
  }
}

const KEYS = [
  'type',
  'name',
  'value',
  'verb',
  'alertId',
  'version',
  'note',
  'classification',
  'from',
  'conversation',
  'channelData',
  'serviceUrl',
  'text',
  'action',
  'data',
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'recipient',
  'payload',
  'actions',
];

/** An alert id that no store holds (the fuzz must never name a real alert). */
function ghostId(g: Gen): string {
  return g.pick(['FW-0', 'FW-99999999', 'fw-1', 'FW-', 'FW-1e3', 'FW--1', '../FW-1', 'FW-1 ', 'FW-١', g.text(8)]);
}

/** A hostile button payload: wrong shapes, wrong types, unknown verbs, ids of no alert. */
export function actionPayload(g: Gen): unknown {
  switch (g.int(6)) {
    case 0:
      return g.json(3);
    case 1:
      return JSON.stringify(g.json(3));
    case 2:
      return g.text(g.int(200));
    case 3:
      return {
        verb: g.pick(['ack', 'escalate', 'resolve', 'reopen', 'hunt', 'ACK', 'delete', '']),
        alertId: ghostId(g),
        version: g.json(0),
      };
    case 4:
      return JSON.stringify({
        verb: g.pick(['ack', 'resolve']),
        alertId: ghostId(g),
        version: g.int(5),
        classification: g.json(1),
        note: g.text(g.int(3000)),
      });
    default:
      return { verb: 'resolve', alertId: { toString: 'FW-1' }, version: '1', classification: g.pick(['tp', 'true_positive', 'x', null]) };
  }
}

const WRONG_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  '',
];

/** One hostile request for /api/messages (Teams, anonymous loopback mode). */
function teamsRequest(g: Gen): RawRequest {
  const headers: Record<string, string> = {};
  let body: string | Buffer;
  switch (g.int(8)) {
    case 0:
      body = g.bytes(g.int(512));
      headers['content-type'] = 'application/json';
      break;
    case 1:
      body = JSON.stringify(g.json(4)).slice(0, Math.max(1, g.int(200)));
      headers['content-type'] = 'application/json';
      break;
    case 2:
      body = JSON.stringify(g.json(3));
      headers['content-type'] = g.pick(WRONG_TYPES);
      break;
    case 3:
      body = g.chance(0.3) ? Buffer.alloc(300 * 1024 + g.int(1024), 0x20) : `{"type":"message","text":"${'x'.repeat(g.int(4096))}"`;
      headers['content-type'] = 'application/json';
      break;
    case 4:
      body = '['.repeat(5000 + g.int(5000));
      headers['content-type'] = 'application/json';
      break;
    case 5:
      body = g.bytes(64);
      headers['content-type'] = 'application/json';
      headers['content-encoding'] = g.pick(['gzip', 'deflate', 'br', 'zstd', 'identity;q=x']);
      break;
    case 6:
      // Activity-shaped, but never one that names a real alert or a reachable service.
      body = JSON.stringify({
        type: g.pick(['message', 'invoke', 'conversationUpdate', 'event', 'typing', 42, null]),
        name: g.pick(['adaptiveCard/action', 'task/fetch', 'composeExtension/query', undefined]),
        serviceUrl: g.pick(['http://127.0.0.1:9/', 'http://127.0.0.1:9/', 'javascript:alert(1)', '', undefined]),
        from: g.chance(0.7) ? { id: g.text(6), aadObjectId: g.json(0) } : g.json(1),
        recipient: g.chance(0.7) ? { id: g.pick(['28:bot', g.text(4)]) } : g.json(1),
        conversation: g.chance(0.7) ? { id: g.text(10), conversationType: g.pick(['channel', 'personal', 7]) } : g.json(1),
        channelData: g.json(2),
        text: g.chance(0.5) ? g.text(g.int(100)) : g.json(1),
        value: g.chance(0.5)
          ? { action: { type: 'Action.Execute', verb: g.pick(['ack', 'resolve', 'x']), data: actionPayload(g) } }
          : g.json(2),
      });
      headers['content-type'] = 'application/json';
      break;
    default:
      body = JSON.stringify(g.pick([null, 1, 'x', [], [{}], true]));
      headers['content-type'] = 'application/json';
  }
  if (g.chance(0.1)) headers.authorization = `Bearer ${g.text(20).replace(/[^A-Za-z0-9]/g, 'a')}`;
  return { method: g.chance(0.95) ? 'POST' : g.pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: '/api/messages', headers, body };
}

/** One hostile request for /slack/events: unsigned, garbage, forged, stale, oversized, wrongly typed. */
function slackRequest(g: Gen, secret: string): RawRequest {
  const nowSec = Math.floor(Date.now() / 1000);
  const payload = g.chance(0.5)
    ? `payload=${encodeURIComponent(JSON.stringify({ type: g.pick(['block_actions', 'view_submission', 'shortcut', 7]), actions: [{ value: JSON.stringify(actionPayload(g)) }], user: g.json(1) }))}`
    : g.chance(0.5)
      ? `command=%2Ffw&text=${encodeURIComponent(g.text(g.int(60)))}&user_id=U0ALICE`
      : JSON.stringify(g.json(3));
  const headers: Record<string, string> = {
    'content-type': g.pick(['application/x-www-form-urlencoded', 'application/json', ...WRONG_TYPES]),
  };
  let body: string | Buffer = payload;
  // Oversized bodies are rarer: each one costs half a megabyte of loopback traffic.
  switch (g.chance(0.04) ? 4 : g.pick([0, 1, 2, 3, 5, 6, 7])) {
    case 0:
      break; // unsigned
    case 1:
      headers['x-slack-request-timestamp'] = String(nowSec);
      headers['x-slack-signature'] = `v0=${g.bytes(32).toString('hex')}`;
      break;
    case 2:
      // Forged: signed with a secret that is not ours.
      headers['x-slack-request-timestamp'] = String(nowSec);
      headers['x-slack-signature'] = slackSignature(`${secret}-not`, nowSec, payload);
      break;
    case 3:
      // Stale: our secret, but a timestamp from long ago (a replay).
      headers['x-slack-request-timestamp'] = String(nowSec - 3600 - g.int(100000));
      headers['x-slack-signature'] = slackSignature(secret, nowSec - 3600, payload);
      break;
    case 4:
      body = Buffer.alloc(600 * 1024 + g.int(4096), 0x61);
      headers['x-slack-request-timestamp'] = String(nowSec);
      headers['x-slack-signature'] = 'v0=00';
      break;
    case 6: {
      // Signed with our secret but dated ahead: a replay window open towards the future.
      const ahead = nowSec + 301 + g.int(400 * 86_400);
      headers['x-slack-request-timestamp'] = String(ahead);
      headers['x-slack-signature'] = slackSignature(secret, ahead, payload);
      break;
    }
    case 7:
      // Correctly signed now, but not a payload Slack sends: must be a 4xx that changes nothing.
      body = g.pick([
        'payload=null',
        `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'fw_ack', value: JSON.stringify(actionPayload(g)) }] }))}`,
        `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U0ALICE' } }))}`,
      ]);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['x-slack-request-timestamp'] = String(nowSec);
      headers['x-slack-signature'] = slackSignature(secret, nowSec, body);
      break;
    default:
      headers['x-slack-request-timestamp'] = g.pick([
        '',
        'NaN',
        '-1',
        '99999999999999999999',
        g.text(5).replace(/\n|\u0000|[^\x20-\x7e]/g, 'x'),
      ]);
      headers['x-slack-signature'] = g.pick(['', 'v0=', 'v1=abc', g.text(10).replace(/\n|\u0000|[^\x20-\x7e]/g, 'x')]);
  }
  return { method: g.chance(0.95) ? 'POST' : g.pick(['GET', 'PUT']), path: '/slack/events', headers, body };
}

function otherRequest(g: Gen): RawRequest {
  const paths = [
    '/healthz',
    '/healthz?x=%00',
    '/readyz/..%2f..%2fetc',
    '/%ff%fe',
    '/api/messages/extra',
    '/slack',
    '/metrics/../healthz',
    `/${encodeURIComponent(g.text(30))}`,
    '/__proto__',
    '//',
  ];
  const method = g.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD']);
  const withBody = method !== 'GET' && method !== 'HEAD' && g.chance(0.6);
  return {
    method,
    path: g.pick(paths),
    headers: withBody ? { 'content-type': g.pick(['application/json', ...WRONG_TYPES]) || 'application/json' } : {},
    body: withBody ? g.bytes(g.int(256)) : undefined,
  };
}

/** The request at position i of the seeded sequence (teams, slack and other paths interleaved). */
export function hostileRequest(g: Gen, slackSecret: string): RawRequest {
  const r = g.int(10);
  if (r < 4) return teamsRequest(g);
  if (r < 8) return slackRequest(g, slackSecret);
  return otherRequest(g);
}
