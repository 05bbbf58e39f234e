import { randomUUID } from 'node:crypto';
import type { HuntTiming } from '../alerts/hunt/service';
import type { InteractionEvent } from '../chat/router/command-router';
import type { ChatPlatform } from '../delivery/chat-platform';
import type { DeliveryEvent } from '../delivery/dispatcher';
import type { Logger } from '../logging/logger';
import type { PollOutcome } from '../poller/poller';
import type { QueryLimiterEvent } from '../poller/query-limiter';
import type { Metrics } from './metrics';

/**
 * The metrics side of the components' hooks: each function here is handed to
 * one component's option (the dispatcher's onDelivery, the router's
 * onInteraction, the hunt service's onTiming) by the composition, so the
 * components stay free of metrics and nothing is wrapped after the fact.
 */

/** Counts one detection run's outcomes. */
export function observePoll(metrics: Metrics, detection: string, outcomes: PollOutcome[], at: Date): void {
  for (const o of outcomes) {
    const labels = { detection, workspace: o.workspace };
    metrics.polls.inc({ ...labels, outcome: o.ok ? 'ok' : 'failed' });
    metrics.pollDuration.observe(labels, o.durationMs / 1000);
    metrics.lastPoll.set(labels, at.getTime() / 1000);
    if (o.created.length > 0) metrics.alertsCreated.inc({ detection }, o.created.length);
    const unread = (o.unread ?? []).reduce((sum, u) => sum + (u.end.getTime() - u.start.getTime()) / 1000, 0);
    if (unread > 0) metrics.unreadSeconds.inc(labels, unread);
    if (o.ok && o.candidates === undefined) metrics.markPolled(o.workspace, detection, o.window.end);
  }
}

/** For the query limiter's onEvent: per-workspace throttling and time spent waiting for a turn. */
export function observeQueryLimiter(metrics: Metrics): (event: QueryLimiterEvent) => void {
  return (event) => {
    if (event.kind === 'throttled') metrics.workspaceThrottled.inc({ workspace: event.workspace });
    else if (event.kind === 'started') metrics.queryQueueWait.observe({ workspace: event.workspace }, event.queuedMs / 1000);
  };
}

/** For the dispatcher's onDelivery: posts by outcome, post latency, redraws and storm digests by outcome. */
export function observeDeliveries(metrics: Metrics): (event: DeliveryEvent) => void {
  return (event) => {
    const platform = event.platform;
    if (event.kind === 'digest') {
      metrics.digests.inc({ platform, outcome: event.outcome });
      return;
    }
    if (event.kind === 'redraw') {
      metrics.cardUpdates.inc({ platform, outcome: event.outcome });
      return;
    }
    metrics.deliveries.inc({ platform, outcome: event.outcome });
    if (event.outcome === 'posted') {
      metrics.deliveryLatency.observe({ platform }, Math.max(0, event.at.getTime() - event.alert.createdAt.getTime()) / 1000);
    }
  };
}

/** For the router's onInteraction: interactions by type, verb and outcome, and a log line for each. */
export function observeInteractions(metrics: Metrics, logger: Logger): (event: InteractionEvent) => void {
  return (event) => {
    const { type } = event;
    const verb = verbOf(type, event.input);
    const origin = originOf(event.ctx);
    const interactionId = randomUUID();
    if ('error' in event) {
      metrics.interactions.inc({ type, verb, outcome: 'error' });
      const error = event.error instanceof Error ? event.error.message : String(event.error);
      logger.warn({ interactionId, type, verb, origin, error }, 'interaction failed');
      return;
    }
    const outcome = event.reply.kind === 'error' ? 'refused' : 'ok';
    metrics.interactions.inc({ type, verb, outcome });
    logger.debug({ interactionId, type, verb, outcome, origin }, 'interaction');
  };
}

/** For the hunt service's onTiming: hunt durations, 'ok' for a report and 'error' for anything else. */
export function observeHunts(metrics: Metrics): (timing: HuntTiming) => void {
  return (timing) => {
    metrics.huntDuration.observe({ outcome: timing.outcome === 'allowed' ? 'ok' : 'error' }, timing.totalMs / 1000);
  };
}

/** Counts the rate-limit answers a chat platform met, read at scrape time. */
export function observeRateLimits(metrics: Metrics, platform: ChatPlatform): void {
  if (platform.rateLimitedCount === undefined || (platform.name !== 'slack' && platform.name !== 'teams')) return;
  metrics.countRateLimits(platform.name, () => platform.rateLimitedCount?.() ?? 0);
  if (platform.ambiguousPostCount !== undefined) metrics.countAmbiguousPosts(() => platform.ambiguousPostCount?.() ?? 0);
}

const VERB = /^[a-z]{1,16}$/;

/** A bounded label: the verb when it is one word we could know, else "other" (labels must not grow with hostile input). */
function verbOf(type: InteractionEvent['type'], input: unknown): string {
  let candidate: unknown;
  if (type === 'text') {
    candidate = typeof input === 'string' ? input.trim().replace(/^\//, '').split(/\s+/)[0]?.toLowerCase() : undefined;
  } else if (typeof input === 'object' && input !== null) {
    candidate = (input as { verb?: unknown }).verb;
  } else if (typeof input === 'string') {
    try {
      const parsed: unknown = JSON.parse(input);
      candidate = typeof parsed === 'object' && parsed !== null ? (parsed as { verb?: unknown }).verb : undefined;
    } catch {
      candidate = undefined;
    }
  }
  return typeof candidate === 'string' && VERB.test(candidate) && KNOWN_VERBS.has(candidate) ? candidate : 'other';
}

const KNOWN_VERBS = new Set(['ack', 'escalate', 'resolve', 'reopen', 'hunt', 'help', 'alerts', 'alert']);

/** The router answers malformed contexts too, so the origin is read with care. */
function originOf(ctx: unknown): string | undefined {
  const origin = typeof ctx === 'object' && ctx !== null ? (ctx as { origin?: unknown }).origin : undefined;
  return typeof origin === 'string' ? origin : undefined;
}
