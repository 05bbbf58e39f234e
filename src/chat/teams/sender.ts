import { backoffMs } from '../../delivery/backoff';
import type { Logger } from '../../logging/logger';
import { classifyConnectorError, toDeliveryError } from './errors';
import { systemTime, type Timekeeper } from '../../time/clock';
import { ThreadRateLimiter } from './rate-limiter';
import { DeliveryError } from '../../delivery/chat-platform';
import type { BudgetGrant } from '../../store/outbox-store';

export interface RetryPolicy {
  /** Tries per call, the first included. */
  maxAttempts: number;
  /** First backoff; doubles on each retry (with jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out in place: the caller gets DeliveryError('retry'). */
  maxInlineWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxInlineWaitMs: 30_000 };

export interface SenderOptions {
  limiter?: ThreadRateLimiter;
  /**
   * Takes a slot of the thread's limits shared by every replica (through the store).
   * Teams counts per bot and thread, not per process: without it N replicas may send N times the rate.
   */
  sharedBudget?: (threadKey: string) => Promise<BudgetGrant>;
  retry?: Partial<RetryPolicy>;
  /** Clock and timer for pacing and retry waits. */
  time?: Timekeeper;
  /** 0 ≤ random() < 1, for jitter. */
  random?: () => number;
  logger: Logger;
}

/** Per-call limits, e.g. a card action that must be answered within Teams' 5 s. */
export interface SendLimits {
  /** Give up retrying once this much time has gone by since the call started. */
  budgetMs?: number;
  /** The call creates a message: an answer that does not say whether it was accepted (502, 504, cut off) is counted. */
  creates?: boolean;
}

/** Statuses after which a post may have been accepted although it failed. */
const AMBIGUOUS_STATUSES = new Set([502, 504]);

/** The Teams conversation a send is counted against: the channel, not its threads. */
export function threadKey(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i >= 0 ? conversationId.slice(0, i) : conversationId;
}

/**
 * Every outgoing Bot Connector call goes through here: paced per conversation,
 * retried on 429/412/502/504 with exponential backoff and jitter (Retry-After
 * wins when longer), and turned into a DeliveryError when it finally fails.
 */
export class TeamsSender {
  readonly limiter: ThreadRateLimiter;
  private readonly retry: RetryPolicy;
  private readonly time: Timekeeper;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly sharedBudget: ((threadKey: string) => Promise<BudgetGrant>) | undefined;
  /** Connector answers that asked us to slow down or retry, for logs and tests. */
  retriedCount = 0;
  /**
   * Posts that failed without saying whether Teams accepted them (502, 504, the
   * connection cut off). The Bot Connector offers no way to look a posted
   * message up, so each retry of one may create a second thread: counted, not prevented.
   */
  ambiguousPosts = 0;

  constructor(options: SenderOptions) {
    this.time = options.time ?? systemTime;
    this.limiter = options.limiter ?? new ThreadRateLimiter(undefined, this.time);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!Number.isSafeInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1)
      throw new Error('TeamsSender: retry.maxAttempts must be a positive integer');
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
    this.sharedBudget = options.sharedBudget;
  }

  /** Runs `call` for conversation `conversationId`; `what` names it in errors ("post FW-3 to General"). */
  async run<T>(conversationId: string, what: string, call: () => Promise<T>, limits: SendLimits = {}): Promise<T> {
    const key = threadKey(conversationId);
    const started = this.nowMs();
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire(key);
      await this.sharedSlot(key, what, started, limits);
      try {
        return await call();
      } catch (err) {
        const failure = classifyConnectorError(err, this.nowMs());
        const ambiguous =
          limits.creates === true &&
          failure.disposition === 'retry' &&
          (failure.status === undefined || AMBIGUOUS_STATUSES.has(failure.status));
        if (ambiguous) {
          this.ambiguousPosts++;
          this.logger.warn(
            { conversation: key, status: failure.status },
            `Teams: ${what} failed in a way that does not say whether it was posted; a retry may show it twice`,
          );
        }
        const backoff = backoffMs(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.random);
        const wait = Math.max(backoff, failure.retryAfterMs ?? 0);
        const spent = this.nowMs() - started;
        const withinBudget = limits.budgetMs === undefined || spent + wait <= limits.budgetMs;
        const retryable =
          failure.transient &&
          attempt < this.retry.maxAttempts &&
          (failure.retryAfterMs ?? 0) <= this.retry.maxInlineWaitMs &&
          withinBudget;
        if (!retryable) throw toDeliveryError(failure, what);
        this.retriedCount++;
        if (failure.retryAfterMs !== undefined) this.limiter.pause(key, failure.retryAfterMs);
        this.logger.warn({ conversation: key, attempt, waitMs: wait, status: failure.status }, `Teams: ${what} will be retried`);
        await this.time.sleep(wait);
      }
    }
  }

  /** Waits for a slot of the replicas' shared budget for the thread; past the call's budget, hands the send back. */
  private async sharedSlot(key: string, what: string, started: number, limits: SendLimits): Promise<void> {
    if (this.sharedBudget === undefined) return;
    for (;;) {
      let grant: BudgetGrant;
      try {
        grant = await this.sharedBudget(key);
      } catch (err) {
        // The store is the shared part, not the send: without it this process's own pacing still holds.
        this.logger.warn(
          { conversation: key, error: err instanceof Error ? err.message : String(err) },
          'Teams: shared send budget unavailable; paced by this process alone',
        );
        return;
      }
      if (grant.granted) return;
      const spent = this.nowMs() - started;
      if (
        grant.retryAfterMs > this.retry.maxInlineWaitMs ||
        (limits.budgetMs !== undefined && spent + grant.retryAfterMs > limits.budgetMs)
      )
        throw new DeliveryError(
          `Teams: ${what}: the thread's limit is spent across replicas; next slot in ${Math.ceil(grant.retryAfterMs / 1000)} s`,
          'retry',
          grant.retryAfterMs,
        );
      await this.time.sleep(grant.retryAfterMs);
    }
  }

  private nowMs(): number {
    return this.time.now().getTime();
  }
}
