import type { StandinChannel } from '../types';
import { isRecord, str } from '../values';
import type { World } from '../world';

/** One Web API answer: Slack answers API errors with HTTP 200 and ok:false. */
export type ApiResult = { status: number; headers?: Record<string, string>; body: Record<string, unknown> | string };

export type MethodTable = Record<string, (args: Record<string, unknown>) => ApiResult>;

export const ok = (body: Record<string, unknown> = {}): ApiResult => ({ status: 200, body: { ok: true, ...body } });

export const fail = (error: string, extra: Record<string, unknown> = {}): ApiResult => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

export const ratelimited = (retryAfterSec: number): ApiResult => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSec) },
  body: { ok: false, error: 'ratelimited' },
});

export const isResult = (v: unknown): v is ApiResult => isRecord(v) && typeof v.status === 'number' && 'body' in v;

/** The channel a call names, or the error Slack gives: unknown channel, or (when posting) the bot not in it. */
export function channelFor(world: World, id: unknown, needMember: boolean): StandinChannel | ApiResult {
  const cid = str(id);
  if (cid === undefined) return fail('channel_not_found');
  const ch = world.records.channels.get(cid);
  if (ch === undefined) return fail('channel_not_found');
  if (needMember && !ch.member) return fail('not_in_channel');
  return ch;
}
