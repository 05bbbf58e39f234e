import type { MessageMetadata, StandinMessage } from '../types';
import { isRecord } from '../values';

/** A stored message as Slack returns it in API answers, history and interaction payloads. */
export function wireMessage(m: StandinMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(m.botId !== undefined ? { bot_id: m.botId } : {}),
    text: m.text ?? '',
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(m.updates.length > 0 ? { edited: { user: m.user, ts: m.ts } } : {}),
  };
}

export function parseMetadata(v: unknown): MessageMetadata | undefined | 'invalid' {
  if (v === undefined) return undefined;
  if (!isRecord(v) || typeof v.event_type !== 'string' || !isRecord(v.event_payload)) return 'invalid';
  return { event_type: v.event_type, event_payload: v.event_payload };
}
