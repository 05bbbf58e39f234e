import type { ApiResult } from './web-api/result';
import type { SlackStandin } from './standin';
import type { StandinMessage } from './types';
import type { World } from './world';

type Queries = Pick<SlackStandin, 'callsTo' | 'messagesIn' | 'message' | 'addHistoryMessage' | 'waitFor'>;

export function findMessage(world: World, channel: string, ts: string): StandinMessage | undefined {
  return world.records.messages.find((m) => m.channel === channel && m.ts === ts);
}

/** What tests ask of the records: calls and messages, and waiting until one appears. */
export function recordQueries(world: World): Queries {
  const r = world.records;
  return {
    callsTo: (method) => r.calls.filter((c) => c.method === method),
    messagesIn: (channel) => r.messages.filter((m) => m.channel === channel),
    message: (channel, ts) => findMessage(world, channel, ts),
    addHistoryMessage(message) {
      const m: StandinMessage = { ...message, ts: message.ts ?? world.nextTs(), updates: [] };
      r.messages.push(m);
      world.changed();
      return m;
    },
    waitFor<T>(pick: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = (): boolean => {
          const v = pick();
          if (v === undefined || v === false) return false;
          cleanup();
          resolve(v);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`slack stand-in: gave up waiting for ${what}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          world.events.off('change', onChange);
        };
        const onChange = (): void => {
          check();
        };
        world.events.on('change', onChange);
        check();
      });
    },
  };
}

/** Records each Web API call with its outcome, numbered in the order the stand-in answered them. */
export function callRecorder(
  world: World,
): (method: string, args: Record<string, unknown>, token: string | undefined, result: ApiResult) => void {
  let seq = 0;
  return (method, args, token, result) => {
    seq += 1;
    const body = typeof result.body === 'string' ? undefined : result.body;
    world.records.calls.push({
      seq,
      method,
      args,
      token,
      httpStatus: result.status,
      ok: body?.ok === true,
      ...(typeof body?.error === 'string' ? { error: body.error } : {}),
    });
  };
}
