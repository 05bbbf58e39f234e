import type { Alert } from '../alerts/types';
import { toDigestView } from '../cards/digest-view';
import { DeliveryError, type ChatPlatform } from './chat-platform';
import type { CardOptions, ChatPlatformName, EscalationMention, MessageRef, PostedCopy } from './types';
import type { Logger } from '../logging/logger';
import type { AlertStore } from '../store/alert-store';
import type { DeliveryWork, OutboxStore, ReplyJob, StormDigest } from '../store/outbox-store';
import { backoffMs } from './backoff';
import { systemClock, type Clock } from '../time/clock';

export interface DispatcherOptions {
  /** The outbox, and the alerts a storm digest summarises (read as they are now). */
  store: OutboxStore & Pick<AlertStore, 'getAlert'>;
  platforms: Partial<Record<ChatPlatformName, ChatPlatform>>;
  logger: Logger;
  clock?: Clock;
  /** Work items taken per claim. */
  batchSize?: number;
  /** Retry delays: base, doubling up to max, with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** After this many attempts a delivery is given up (marked failed, and logged). */
  maxAttempts?: number;
  /** How often to look for due retries when nothing wakes the dispatcher. */
  idleIntervalMs?: number;
  /** Per platform, the escalation destination: cards there are posted and kept as escalation copies (with the mention). */
  escalationCopies?: Partial<Record<ChatPlatformName, { target: string; mention?: EscalationMention }>>;
  /**
   * Storms: a poll that queued more than `threshold` cards for one target gets one
   * digest card there instead; `postIndividual` posts the cards after it, `paceMs`
   * apart, so a later alert is not queued behind the whole storm. Off when unset.
   */
  storm?: { threshold: number; postIndividual: boolean; paceMs?: number };
  /** Targets whose threads stay quiet: no thread replies there (the card's status line still shows the last action). */
  quietThreads?: (platform: ChatPlatformName, target: string) => boolean;
  /** Told what became of each card it posted or redrew (metrics); a hook that throws is logged and ignored. */
  onDelivery?: (event: DeliveryEvent) => void;
}

/** What the outbox did with one alert card or storm digest. */
export type DeliveryEvent =
  /** A first post: posted (at `at`), found posted before a crash, or not posted yet and why (as the outbox recorded it). */
  | { kind: 'post'; platform: ChatPlatformName; outcome: 'posted' | 'reconciled' | 'retry' | 'waiting' | 'failed'; alert: Alert; at: Date }
  /** A redraw of a posted copy: drawn, failed (to retry), or stopped because the service said it never will work (given-up) or needs a person (waiting). */
  | { kind: 'redraw'; platform: ChatPlatformName; outcome: 'ok' | 'failed' | 'given-up' | 'waiting'; alert: Alert }
  /** A storm digest standing for `alerts` cards: posted, to retry, held until its target can show it (waiting), or given up. */
  | { kind: 'digest'; platform: ChatPlatformName; outcome: 'posted' | 'retry' | 'waiting' | 'failed'; alerts: number };

export interface DrainReport {
  posted: number;
  reconciled: number;
  updated: number;
  replied: number;
  failed: number;
}

/**
 * Drains the outbox: posts pending cards, brings stale cards up to date and
 * sends thread replies. Everything it does was stored first, so a crash at
 * any point is resumed by the next process.
 */
export class Dispatcher {
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxAttempts: number;
  private readonly idleIntervalMs: number;
  private wake: (() => void) | undefined;
  private kicked = false;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly reportedWaiting = new Set<string>();

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.batchSize = options.batchSize ?? 50;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 50;
    this.idleIntervalMs = options.idleIntervalMs ?? 5_000;
  }

  /** Something was stored: drain now rather than at the next idle tick. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops after the work in hand; pending work stays stored for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.kicked = false;
      let report: DrainReport | undefined;
      try {
        report = await this.drainOnce();
      } catch (err) {
        this.options.logger.error({ err }, 'dispatcher pass failed');
      }
      const busy = report !== undefined && report.posted + report.reconciled + report.updated + report.replied > 0;
      if (this.stopping) break;
      if (busy || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.idleIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One pass over each queue; returns what it did. */
  async drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { posted: 0, reconciled: 0, updated: 0, replied: 0, failed: 0 };
    const now = this.clock();
    // Digests first: a storm is summarised before any of its cards can be claimed.
    if (this.options.storm !== undefined) await this.digests(now, report);
    const deliveries = await this.options.store.claimDueDeliveries(now, this.batchSize);
    await this.perTarget(
      deliveries,
      (w) => `${w.delivery.platform}:${w.delivery.target}`,
      (w) => this.deliver(w, report),
    );
    const stale = await this.options.store.staleCards(this.batchSize, this.clock());
    await this.perTarget(
      stale,
      (w) => `${w.delivery.platform}:${w.delivery.target}`,
      (w) => this.update(w, report),
    );
    const replies = await this.options.store.claimDueReplies(this.clock(), this.batchSize);
    await this.perTarget(
      replies,
      (r) => `${r.ref.platform}:${r.ref.target}`,
      (r) => this.reply(r, report),
    );
    return report;
  }

  /** Drains until a pass finds nothing to do (tests, `poll --once`). */
  async drainUntilIdle(maxPasses = 1000): Promise<DrainReport> {
    const total: DrainReport = { posted: 0, reconciled: 0, updated: 0, replied: 0, failed: 0 };
    for (let i = 0; i < maxPasses; i++) {
      const r = await this.drainOnce();
      total.posted += r.posted;
      total.reconciled += r.reconciled;
      total.updated += r.updated;
      total.replied += r.replied;
      total.failed += r.failed;
      if (r.posted + r.reconciled + r.updated + r.replied === 0) break;
    }
    return total;
  }

  /** Targets work in parallel; one target's items go in order (cards appear in alert order). */
  private async perTarget<T>(items: T[], key: (item: T) => string, work: (item: T) => Promise<void>): Promise<void> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const k = key(item);
      const list = groups.get(k);
      if (list === undefined) groups.set(k, [item]);
      else list.push(item);
    }
    await Promise.all(
      [...groups.values()].map(async (list) => {
        for (const item of list) await work(item);
      }),
    );
  }

  private async deliver({ delivery, alert }: DeliveryWork, report: DrainReport): Promise<void> {
    const { store, logger } = this.options;
    const platform = this.options.platforms[delivery.platform];
    if (platform === undefined) {
      // Kept for a process that runs this platform (e.g. `firstwatch start` after a `poll --once`).
      await store.markWaiting(delivery.id, `${delivery.platform} is not running in this process`);
      return;
    }
    try {
      // A claim counts as an attempt: more than one means an earlier try may have posted before a crash.
      if (delivery.attempts > 1 && platform.findPosted !== undefined) {
        const found = await platform.findPosted(delivery.target, alert);
        if (found !== undefined) {
          // Version 0: the found card's state is unknown, so the next pass re-renders it.
          await store.markPosted(delivery.id, found, 0);
          report.reconciled++;
          this.tell({ kind: 'post', platform: delivery.platform, outcome: 'reconciled', alert, at: this.clock() });
          logger.info({ alert: alert.id, target: delivery.target }, 'delivery reconciled with an earlier post');
          return;
        }
      }
      const options = this.cardOptions(delivery.platform, delivery.target);
      const ref =
        options === undefined
          ? await platform.postAlert(delivery.target, alert)
          : await platform.postAlert(delivery.target, alert, options);
      this.tell({ kind: 'post', platform: delivery.platform, outcome: 'posted', alert, at: this.clock() });
      await store.markPosted(delivery.id, ref, alert.version);
      report.posted++;
      logger.info({ alert: alert.id, platform: delivery.platform, target: delivery.target }, 'alert posted');
    } catch (err) {
      await this.onDeliveryError(err, delivery.id, delivery.attempts, delivery.platform, delivery.target, alert, report);
    }
  }

  private async digests(now: Date, report: DrainReport): Promise<void> {
    const storm = this.options.storm;
    if (storm === undefined) return;
    const { store } = this.options;
    const able = (Object.keys(this.options.platforms) as ChatPlatformName[]).filter(
      (n) => this.options.platforms[n]?.postDigest !== undefined,
    );
    const created = await store.summariseStorms({
      threshold: storm.threshold,
      now,
      platforms: able,
      postIndividual: storm.postIndividual,
      ...(storm.paceMs !== undefined ? { paceMs: storm.paceMs } : {}),
    });
    for (const d of created) {
      this.options.logger.warn(
        { platform: d.platform, target: d.target, alerts: d.alertIds.length, digest: d.id },
        'alert storm: one digest card instead of each card',
      );
    }
    const due = await store.claimDueDigests(now, this.batchSize);
    await this.perTarget(
      due,
      (d) => `${d.platform}:${d.target}`,
      (d) => this.postDigest(d, storm.postIndividual, report),
    );
  }

  private async postDigest(digest: StormDigest, individualFollow: boolean, report: DrainReport): Promise<void> {
    const { store, logger } = this.options;
    const platform = this.options.platforms[digest.platform];
    const tell = (outcome: 'posted' | 'retry' | 'waiting' | 'failed'): void =>
      this.tell({ kind: 'digest', platform: digest.platform, outcome, alerts: digest.alertIds.length });
    if (platform?.postDigest === undefined) {
      await store.finishDigest(digest.id, {
        error: `${digest.platform} cannot post digests in this process`,
        retryAt: this.retryAt(digest.attempts, undefined),
      });
      tell('retry');
      return;
    }
    try {
      const alerts: Alert[] = [];
      for (const id of digest.alertIds) {
        const alert = await store.getAlert(id);
        if (alert !== undefined) alerts.push(alert);
      }
      const ref = await platform.postDigest(digest.target, toDigestView(alerts, { individualFollow }));
      await store.finishDigest(digest.id, { ref });
      report.posted++;
      tell('posted');
      logger.info({ platform: digest.platform, target: digest.target, alerts: alerts.length }, 'storm digest posted');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const disposition = err instanceof DeliveryError ? err.disposition : 'retry';
      if (disposition === 'wait' || disposition === 'hold') {
        // Kept like the cards it stands for: released with them when the target can take it.
        await store.finishDigest(digest.id, { error: message, waiting: true });
        this.reportWaitingOnce(digest.platform, digest.target, message, disposition);
        tell('waiting');
        return;
      }
      if (disposition === 'fatal' || digest.attempts >= this.maxAttempts) {
        await store.finishDigest(digest.id, { error: message });
        report.failed++;
        tell('failed');
        logger.error(
          { platform: digest.platform, target: digest.target, error: message },
          'storm digest given up; its alerts are listed by the alerts command',
        );
      } else {
        await store.finishDigest(digest.id, { error: message, retryAt: this.retryAt(digest.attempts, err) });
        tell('retry');
      }
    }
  }

  private async onDeliveryError(
    err: unknown,
    id: number,
    attempts: number,
    platform: ChatPlatformName,
    target: string,
    alert: Alert,
    report: DrainReport,
  ): Promise<void> {
    const { store, logger } = this.options;
    const message = err instanceof Error ? err.message : String(err);
    const disposition = err instanceof DeliveryError ? err.disposition : 'retry';
    if (disposition === 'wait' || disposition === 'hold') {
      await store.markWaiting(id, message);
      this.tell({ kind: 'post', platform, outcome: 'waiting', alert, at: this.clock() });
      this.reportWaitingOnce(platform, target, message, disposition);
      return;
    }
    if (disposition === 'fatal' || attempts >= this.maxAttempts) {
      await store.markFailed(id, message);
      report.failed++;
      this.tell({ kind: 'post', platform, outcome: 'failed', alert, at: this.clock() });
      logger.error({ alert: alert.id, platform, target, attempts, error: message }, 'delivery given up');
      return;
    }
    await store.markRetry(id, message, this.retryAt(attempts, err));
    this.tell({ kind: 'post', platform, outcome: 'retry', alert, at: this.clock() });
    logger.warn({ alert: alert.id, platform, target, attempts, error: message }, 'delivery failed; will retry');
  }

  private async update({ delivery, alert }: DeliveryWork, report: DrainReport): Promise<void> {
    const platform = this.options.platforms[delivery.platform];
    const ref: MessageRef | undefined = delivery.ref;
    if (platform === undefined || ref === undefined) return;
    let drawn = false;
    try {
      const options = this.cardOptions(delivery.platform, delivery.target);
      if (options === undefined) await platform.updateAlert(ref, alert);
      else await platform.updateAlert(ref, alert, options);
      drawn = true;
      this.tell({ kind: 'redraw', platform: delivery.platform, outcome: 'ok', alert });
      await this.options.store.markRendered(delivery.id, alert.version);
      report.updated++;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (drawn) {
        // Drawn, but the store did not take note: a later pass draws it once more.
        await this.options.store.deferRender(delivery.id, message, this.retryAt(1, err));
        this.options.logger.warn(
          { alert: alert.id, target: delivery.target, error: message },
          'card redrawn but not recorded; will redraw again',
        );
        return;
      }
      const disposition = err instanceof DeliveryError ? err.disposition : 'retry';
      if (disposition === 'fatal' || disposition === 'wait' || disposition === 'hold') {
        // The service said this redraw will not work (message deleted) or needs a person (channel gone): retrying only hides newer cards.
        const state = disposition === 'fatal' ? 'failed' : 'waiting';
        await this.options.store.stopRender(delivery.id, state, message);
        this.tell({ kind: 'redraw', platform: delivery.platform, outcome: state === 'failed' ? 'given-up' : 'waiting', alert });
        report.failed++;
        this.options.logger.error(
          { alert: alert.id, platform: delivery.platform, target: delivery.target, error: message },
          state === 'failed' ? 'card redraw given up' : 'card redraw waits for a setup fix',
        );
        return;
      }
      this.tell({ kind: 'redraw', platform: delivery.platform, outcome: 'failed', alert });
      await this.options.store.deferRender(delivery.id, message, this.retryAt(delivery.renderAttempts + 1, err));
      this.options.logger.warn(
        { alert: alert.id, target: delivery.target, attempts: delivery.renderAttempts + 1, error: message },
        'card update failed; will retry',
      );
    }
  }

  private async reply(job: ReplyJob, report: DrainReport): Promise<void> {
    const platform = this.options.platforms[job.ref.platform];
    if (platform === undefined) return;
    if (this.options.quietThreads?.(job.ref.platform, job.ref.target) === true) {
      // Handled by not posting: the card itself says what changed.
      await this.options.store.markReplied(job.id);
      report.replied++;
      return;
    }
    try {
      await platform.replyInThread(job.ref, job.text);
      await this.options.store.markReplied(job.id);
      report.replied++;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const fatal = err instanceof DeliveryError && err.disposition === 'fatal';
      if (fatal || job.attempts >= this.maxAttempts) {
        await this.options.store.markReplyFailed(job.id, message);
        report.failed++;
      } else {
        await this.options.store.markReplyRetry(job.id, message, this.retryAt(job.attempts, err));
      }
    }
  }

  /**
   * The copy of `alertId` posted as `messageId` on `platform`, with the options
   * this outbox draws it with; undefined when that message is no copy it keeps
   * (a command's reply, say). An interaction that answers with a card uses it
   * to answer with exactly the card the outbox draws there.
   */
  async postedCopy(platform: ChatPlatformName, alertId: string, messageId: string): Promise<PostedCopy | undefined> {
    const deliveries = await this.options.store.listDeliveries(alertId);
    const copy = deliveries.find((d) => d.platform === platform && d.ref?.messageId === messageId);
    if (copy === undefined) return undefined;
    const options = this.cardOptions(platform, copy.target);
    return options === undefined ? { target: copy.target } : { target: copy.target, options };
  }

  /** Cards in a platform's escalation destination are escalation copies; the rest are plain. */
  private cardOptions(platform: ChatPlatformName, target: string): CardOptions | undefined {
    const copy = this.options.escalationCopies?.[platform];
    if (copy === undefined || copy.target !== target) return undefined;
    return { escalation: copy.mention === undefined ? {} : { mention: copy.mention } };
  }

  /** Tells the onDelivery hook; what it does with the news never changes what the outbox does. */
  private tell(event: DeliveryEvent): void {
    try {
      this.options.onDelivery?.(event);
    } catch (err) {
      this.options.logger.warn(
        { err, kind: event.kind, alert: 'alert' in event ? event.alert.id : undefined },
        'onDelivery hook failed; ignored',
      );
    }
  }

  private retryAt(attempts: number, err: unknown): Date {
    const hinted = err instanceof DeliveryError ? (err.retryAfterMs ?? 0) : 0;
    const delay = Math.max(hinted, backoffMs(attempts, this.retryBaseMs, this.retryMaxMs));
    return new Date(this.clock().getTime() + delay);
  }

  private reportWaitingOnce(platform: string, target: string, message: string, disposition: 'wait' | 'hold'): void {
    const key = `${platform}:${target}`;
    if (this.reportedWaiting.has(key)) return;
    this.reportedWaiting.add(key);
    if (disposition === 'hold') {
      this.options.logger.info({ platform, target, reason: message }, 'deliveries to this target are held until it can show them');
      return;
    }
    this.options.logger.error(
      { platform, target, reason: message },
      'deliveries to this target are waiting for a setup fix; they are kept and will be posted once it is fixed',
    );
  }
}
