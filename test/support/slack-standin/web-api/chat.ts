import { checkMessage } from '../block-kit-limits';
import type { PostRateLimiter } from '../rate-limit';
import { findMessage } from '../recorded';
import type { StandinEphemeral, StandinMessage } from '../types';
import { str } from '../values';
import type { World } from '../world';
import { channelFor, fail, isResult, ok, type MethodTable } from './result';
import { parseMetadata, wireMessage } from './wire-message';

/** chat.*: posting, updating, ephemeral messages and permalinks, with Slack's checks in Slack's order. */
export function chatMethods(world: World, limiter: PostRateLimiter): MethodTable {
  const r = world.records;
  return {
    'chat.postMessage': (args) => {
      const ch = channelFor(world, args.channel, true);
      if (isResult(ch)) return ch;
      const problem = checkMessage(args.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const metadata = parseMetadata(args.metadata);
      if (metadata === 'invalid') return fail('invalid_metadata_format');
      const limited = limiter.check(ch.id);
      if (limited) return limited;
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined && !r.messages.some((m) => m.channel === ch.id && m.ts === threadTs)) {
        return fail('thread_not_found');
      }
      const m: StandinMessage = {
        ts: world.nextTs(),
        channel: ch.id,
        user: r.botUserId,
        botId: r.botId,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        metadata,
        updates: [],
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      };
      r.messages.push(m);
      return ok({ channel: ch.id, ts: m.ts, message: wireMessage(m, true) });
    },
    'chat.update': (args) => {
      const ch = channelFor(world, args.channel, false);
      if (isResult(ch)) return ch;
      const m = findMessage(world, ch.id, str(args.ts) ?? '');
      if (m === undefined) return fail('message_not_found');
      if (m.user !== r.botUserId) return fail('cant_update_message');
      const problem = checkMessage(args.text ?? m.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const metadata = parseMetadata(args.metadata);
      if (metadata === 'invalid') return fail('invalid_metadata_format');
      m.updates.push({ text: m.text, blocks: m.blocks, metadata: m.metadata });
      if (args.text !== undefined) m.text = str(args.text);
      if (args.blocks !== undefined) m.blocks = args.blocks as unknown[];
      if (metadata !== undefined) m.metadata = metadata;
      return ok({ channel: ch.id, ts: m.ts, text: m.text ?? '', message: wireMessage(m, true) });
    },
    'chat.postEphemeral': (args) => {
      const ch = channelFor(world, args.channel, true);
      if (isResult(ch)) return ch;
      const user = str(args.user);
      if (user === undefined || !r.users.has(user)) return fail('user_not_found');
      const problem = checkMessage(args.text, args.blocks);
      if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
      const e: StandinEphemeral = {
        messageTs: world.nextTs(),
        channel: ch.id,
        user,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        ...(str(args.thread_ts) !== undefined ? { thread_ts: str(args.thread_ts) } : {}),
      };
      r.ephemerals.push(e);
      return ok({ message_ts: e.messageTs });
    },
    'chat.getPermalink': (args) => {
      const ch = channelFor(world, args.channel, false);
      if (isResult(ch)) return ch;
      const ts = str(args.message_ts) ?? '';
      if (!findMessage(world, ch.id, ts)) return fail('message_not_found');
      return ok({ channel: ch.id, permalink: `https://firstwatch-standin.slack.com/archives/${ch.id}/p${ts.replace('.', '')}` });
    },
  };
}
