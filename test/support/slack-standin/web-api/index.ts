import type { Faults } from '../faults';
import type { InteractionLinks } from '../interaction-links';
import { TierLimiter, type PostRateLimiter } from '../rate-limit';
import type { World } from '../world';
import { authMethods } from './auth';
import { chatMethods } from './chat';
import { conversationsMethods } from './conversations';
import { fail, ratelimited, type ApiResult, type MethodTable } from './result';
import { usersMethods } from './users';
import { viewsMethods } from './views';

export type { ApiResult } from './result';

/** Answers one Web API call: an injected failure if one is due, then the token checks, then the method. */
export type WebApi = (method: string, args: Record<string, unknown>, token: string | undefined) => ApiResult;

export function webApi(
  world: World,
  parts: { faults: Faults; limiter: PostRateLimiter; links: InteractionLinks; appToken: string },
): WebApi {
  const methods: MethodTable = {
    ...authMethods(world),
    ...chatMethods(world, parts.limiter),
    ...conversationsMethods(world),
    ...usersMethods(world),
    ...viewsMethods(world, parts.links),
  };
  const r = world.records;
  const tiers = new TierLimiter(world);
  return (method, args, token) => {
    const f = parts.faults.takeFailure(method);
    if (f !== undefined) {
      if ('error' in f) return fail(f.error);
      if ('retryAfterSec' in f) return ratelimited(f.retryAfterSec);
      if ('status' in f) return { status: f.status, body: f.body ?? 'upstream failure' };
      const impl = methods[method];
      if (impl) impl(args);
      return { status: f.applyThenStatus, body: 'upstream failure after apply' };
    }
    // apps.connections.open takes the app-level token; every other method the bot token.
    const expected = method === 'apps.connections.open' ? parts.appToken : r.botToken;
    if (token !== expected) return fail(token === undefined ? 'not_authed' : 'invalid_auth');
    if (r.tokenState === 'invalid') return fail('invalid_auth');
    if (r.tokenState === 'inactive') return fail('account_inactive');
    const impl = methods[method];
    if (impl === undefined) return fail('unknown_method');
    const limited = tiers.check(method);
    if (limited) return limited;
    return impl(args);
  };
}
