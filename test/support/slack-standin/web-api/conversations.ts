import { bool, str } from '../values';
import type { World } from '../world';
import { channelFor, isResult, ok, type MethodTable } from './result';
import { wireMessage } from './wire-message';

/** conversations.*: a channel's top-level history (paged, metadata on request) and its info. */
export function conversationsMethods(world: World): MethodTable {
  return {
    'conversations.history': (args) => {
      const ch = channelFor(world, args.channel, true);
      if (isResult(ch)) return ch;
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
      const latest = Number(args.latest ?? Number.POSITIVE_INFINITY);
      const oldest = Number(args.oldest ?? 0);
      const withMetadata = bool(args.include_all_metadata);
      const top = world.records.messages
        .filter((m) => m.channel === ch.id && (m.thread_ts === undefined || m.thread_ts === m.ts))
        .filter((m) => Number(m.ts) <= latest && Number(m.ts) >= oldest)
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const start = Number(str(args.cursor) ?? '0') || 0;
      const page = top.slice(start, start + limit);
      const hasMore = start + limit < top.length;
      return ok({
        messages: page.map((m) => wireMessage(m, withMetadata)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? String(start + limit) : '' },
      });
    },
    'conversations.info': (args) => {
      const ch = channelFor(world, args.channel, false);
      if (isResult(ch)) return ch;
      return ok({
        channel: {
          id: ch.id,
          name: ch.name,
          is_channel: !ch.isPrivate && !ch.isIm,
          is_private: ch.isPrivate === true,
          is_im: ch.isIm === true,
          is_member: ch.member,
        },
      });
    },
  };
}
