import { randomUUID } from 'node:crypto';
import type { Alert } from '../alerts/types';
import { DeliveryError, type ChatPlatform } from '../delivery/chat-platform';
import type { MessageRef } from '../delivery/types';
import type { CommandReply } from '../alerts/commands';
import type { Logger } from '../logging/logger';
import type { PollOutcome } from '../poller/poller';
import type { DeliveryOutcome, Metrics } from './metrics';
import type { Clock } from '../time/clock';

/** The parts of the composed app the instrumentation observes (the objects every caller already shares). */
export interface Instrumentable {
  logger: Logger;
  clock: Clock;
  router: {
    handleAction(payload: unknown, ctx: never): Promise<CommandReply>;
    handleText(text: unknown, ctx: never): Promise<CommandReply>;
  };
  hunt: { run(request: never, ctx: never): Promise<unknown> };
  platforms: Partial<Record<string, ChatPlatform>>;
}

/** Counts one detection run's outcomes. */
export function observePoll(metrics: Metrics, detection: string, outcomes: PollOutcome[], at: Date): void {
  for (const o of outcomes) {
    const labels = { detection, workspace: o.workspace };
    metrics.polls.inc({ ...labels, outcome: o.ok ? 'ok' : 'failed' });
    metrics.pollDuration.observe(labels, o.durationMs / 1000);
    metrics.lastPoll.set(labels, at.getTime() / 1000);
    if (o.created.length > 0) metrics.alertsCreated.inc({ detection }, o.created.length);
  }
}

/**
 * Observes the shared router, hunt service and chat platforms by wrapping
 * their methods on the instances every caller already holds (Slack, Teams,
 * the dispatcher), so the modules stay free of metrics. Idempotent.
 */
export function instrumentApp(app: Instrumentable, metrics: Metrics): void {
  const marked = app as Instrumentable & { [INSTRUMENTED]?: true };
  if (marked[INSTRUMENTED] === true) return;
  marked[INSTRUMENTED] = true;
  instrumentRouter(app, metrics);
  instrumentHunt(app, metrics);
  instrumentPlatforms(app.platforms, metrics, app.clock);
}

const INSTRUMENTED = Symbol('firstwatch.instrumented');
const wrappedPlatforms = new WeakSet<ChatPlatform>();

/** Wraps each platform not wrapped yet (platforms may be added after the first call). */
export function instrumentPlatforms(platforms: Partial<Record<string, ChatPlatform>>, metrics: Metrics, clock: Clock): void {
  for (const platform of Object.values(platforms)) {
    if (platform === undefined || wrappedPlatforms.has(platform)) continue;
    wrappedPlatforms.add(platform);
    instrumentPlatform(platform, metrics, clock);
  }
}

function instrumentRouter(app: Instrumentable, metrics: Metrics): void {
  const router = app.router;
  const log = app.logger.child({ component: 'interactions' });
  const wrap = (type: 'action' | 'text', original: (input: unknown, ctx: never) => Promise<CommandReply>) =>
    async (input: unknown, ctx: never): Promise<CommandReply> => {
      const verb = verbOf(type, input);
      const interactionId = randomUUID();
      try {
        const reply = await original(input, ctx);
        const outcome = reply.kind === 'error' ? 'refused' : 'ok';
        metrics.interactions.inc({ type, verb, outcome });
        log.debug({ interactionId, type, verb, outcome, origin: originOf(ctx) }, 'interaction');
        return reply;
      } catch (err) {
        metrics.interactions.inc({ type, verb, outcome: 'error' });
        log.warn({ interactionId, type, verb, origin: originOf(ctx), error: err instanceof Error ? err.message : String(err) }, 'interaction failed');
        throw err;
      }
    };
  router.handleAction = wrap('action', router.handleAction.bind(router));
  router.handleText = wrap('text', router.handleText.bind(router));
}

function instrumentHunt(app: Instrumentable, metrics: Metrics): void {
  const hunt = app.hunt;
  const original = hunt.run.bind(hunt);
  hunt.run = async (request: never, ctx: never): Promise<unknown> => {
    const started = performance.now();
    let outcome = 'error';
    try {
      const report = await original(request, ctx);
      outcome = reportOutcome(report);
      return report;
    } finally {
      metrics.huntDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  };
}

function instrumentPlatform(platform: ChatPlatform, metrics: Metrics, clock: Clock): void {
  const name = platform.name;
  const postAlert = platform.postAlert.bind(platform);
  // Extra arguments (the escalation copy's CardOptions) pass through untouched.
  platform.postAlert = async (target: string, alert: Alert, ...rest: unknown[]): Promise<MessageRef> => {
    try {
      const ref = await (postAlert as (...a: unknown[]) => Promise<MessageRef>)(target, alert, ...rest);
      metrics.deliveries.inc({ platform: name, outcome: 'posted' });
      metrics.deliveryLatency.observe({ platform: name }, Math.max(0, clock().getTime() - alert.createdAt.getTime()) / 1000);
      return ref;
    } catch (err) {
      metrics.deliveries.inc({ platform: name, outcome: failureOutcome(err) });
      throw err;
    }
  };
  if (platform.findPosted !== undefined) {
    const findPosted = platform.findPosted.bind(platform);
    platform.findPosted = async (target: string, alert: Alert): Promise<MessageRef | undefined> => {
      const found = await findPosted(target, alert);
      if (found !== undefined) metrics.deliveries.inc({ platform: name, outcome: 'reconciled' });
      return found;
    };
  }
  const updateAlert = platform.updateAlert.bind(platform);
  platform.updateAlert = async (ref: MessageRef, alert: Alert, ...rest: unknown[]): Promise<void> => {
    try {
      await (updateAlert as (...a: unknown[]) => Promise<void>)(ref, alert, ...rest);
      metrics.cardUpdates.inc({ platform: name, outcome: 'ok' });
    } catch (err) {
      metrics.cardUpdates.inc({ platform: name, outcome: 'failed' });
      throw err;
    }
  };
  const rateLimits = rateLimitCounter(platform);
  if (rateLimits !== undefined && (name === 'slack' || name === 'teams')) metrics.countRateLimits(name, rateLimits);
}

/** Slack's channel queue counts 429s; the Teams sender counts its in-place retries (429 and other transient answers). */
function rateLimitCounter(platform: ChatPlatform): (() => number) | undefined {
  const p = platform as unknown as { queue?: { rateLimitedCount?: unknown }; sender?: { retriedCount?: unknown } };
  if (p.queue !== undefined && typeof p.queue.rateLimitedCount === 'number') {
    const queue = p.queue;
    return () => Number(queue.rateLimitedCount);
  }
  if (p.sender !== undefined && typeof p.sender.retriedCount === 'number') {
    const sender = p.sender;
    return () => Number(sender.retriedCount);
  }
  return undefined;
}

function failureOutcome(err: unknown): DeliveryOutcome {
  if (err instanceof DeliveryError) {
    if (err.disposition === 'wait') return 'waiting';
    if (err.disposition === 'fatal') return 'failed';
  }
  return 'retry';
}

const VERB = /^[a-z]{1,16}$/;

/** A bounded label: the verb when it is one word we could know, else "other" (labels must not grow with hostile input). */
function verbOf(type: 'action' | 'text', input: unknown): string {
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

function originOf(ctx: unknown): string | undefined {
  const origin = typeof ctx === 'object' && ctx !== null ? (ctx as { origin?: unknown }).origin : undefined;
  return typeof origin === 'string' ? origin : undefined;
}

function reportOutcome(report: unknown): string {
  const o = typeof report === 'object' && report !== null ? (report as { outcome?: unknown; kind?: unknown }) : {};
  const value = typeof o.outcome === 'string' ? o.outcome : typeof o.kind === 'string' ? o.kind : 'ok';
  return /^[a-z_]{1,20}$/.test(value) ? value : 'ok';
}
