import type { PostRateLimit } from './types';

/**
 * Slack's documented per-method tiers (docs.slack.dev/apis/web-api/rate-limits: Tier 2
 * "20+ per minute", Tier 3 "50+", Tier 4 "100+"; each method's reference page names its
 * tier), counted per app per workspace. The stand-in enforces the documented floor, so a
 * client that stays within it here stays within it at Slack.
 */
const PER_MINUTE = 60_000;
const tier = (perMinute: number): PostRateLimit => ({ limit: perMinute, windowMs: PER_MINUTE, retryAfterSec: 60 });
export const TIER_3 = tier(50);
export const TIER_4 = tier(100);

/** Every Web API method FirstWatch calls (chat.postMessage is per channel: see `rateLimit`). */
export const SLACK_METHOD_TIERS: Readonly<Record<string, PostRateLimit>> = Object.freeze({
  'chat.update': TIER_3,
  'conversations.history': TIER_3,
  'chat.postEphemeral': TIER_4,
  'users.info': TIER_4,
  'views.open': TIER_4,
  'auth.test': TIER_4,
});
