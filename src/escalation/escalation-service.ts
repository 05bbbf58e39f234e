import type { AlertService } from '../alerts/alert-service';
import { SYSTEM_ACTOR } from '../alerts/system-actor';
import type { Alert, StatusChange } from '../alerts/types';
import type { Logger } from '../logging/logger';
import type { AlertStore } from '../store/alert-store';
import type { OutboxStore } from '../store/outbox-store';
import type { DeliveryTarget } from '../delivery/types';
import { durationWords } from '../time/duration';
import { autoDecision, type AutoEscalateAfter } from './auto-policy';
import { systemClock, type Clock } from '../time/clock';

export interface EscalationServiceOptions {
  store: AlertStore & OutboxStore;
  alerts: AlertService;
  logger: Logger;
  clock?: Clock;
  /** Where escalation copies go: one target per platform. Empty: escalation changes the status only. */
  destinations: DeliveryTarget[];
  /** Per severity; off for severities not listed. */
  autoEscalateAfter?: AutoEscalateAfter;
  /** A reminder in the alert's thread this long before auto-escalation. */
  remindBeforeMs?: number;
  /** How often the periodic check runs (default 30 s). */
  checkIntervalMs?: number;
  /** Something was queued: wake the dispatcher. */
  onQueued?: () => void;
  /** How many unresolved alerts one check looks at (default 1000). */
  scanLimit?: number;
}

export interface CheckReport {
  copiesQueued: number;
  escalated: number;
  reminded: number;
}

const ORIGIN = 'system:auto-escalation';

/**
 * Escalation routing and auto-escalation. An escalation (button, command or
 * automatic) queues one more delivery of the same alert per destination, so
 * the escalation copy is an ordinary card that the outbox keeps in sync. The
 * periodic check derives everything from stored state: it re-queues copies a
 * crash left unqueued, escalates alerts left unacknowledged too long, and
 * reminds before that.
 */
export class EscalationService {
  private readonly clock: Clock;
  private readonly interval: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CheckReport> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EscalationServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.interval = options.checkIntervalMs ?? 30_000;
    for (const [severity, ms] of Object.entries(options.autoEscalateAfter ?? {})) {
      if (!(Number.isFinite(ms) && ms > 0))
        throw new Error(`auto-escalation after for ${severity} must be a positive duration, got ${String(ms)}`);
    }
  }

  /** Queues escalation copies as soon as an alert is escalated (the periodic check covers a crash in between). */
  attach(): void {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe = this.options.alerts.onChange((alert, change) => {
      if (change.action !== 'escalate') return;
      void this.queueCopies(alert, change).catch((err: unknown) =>
        this.options.logger.warn({ err, alert: alert.id }, 'escalation copies not queued yet; the next check retries'),
      );
    });
  }

  start(): void {
    this.attach();
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => void this.check().catch((err: unknown) => this.options.logger.error({ err }, 'escalation check failed')),
      this.interval,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One periodic check; concurrent calls share one run. */
  check(): Promise<CheckReport> {
    if (this.running === undefined) {
      this.running = this.checkOnce().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async queueCopies(alert: Alert, _change?: StatusChange): Promise<number> {
    if (this.options.destinations.length === 0) return 0;
    const added = await this.options.store.addDeliveries(alert.id, this.options.destinations);
    if (added > 0) this.options.onQueued?.();
    return added;
  }

  private async checkOnce(): Promise<CheckReport> {
    const report: CheckReport = { copiesQueued: 0, escalated: 0, reminded: 0 };
    const { store } = this.options;
    const unresolved = await store.listAlerts({ status: 'open', limit: this.options.scanLimit ?? 1000 });
    const now = this.clock();
    for (const alert of unresolved) {
      if (alert.status === 'escalated') {
        report.copiesQueued += await this.queueCopies(alert);
        continue;
      }
      const decision = autoDecision(alert, now, this.options.autoEscalateAfter ?? {}, this.options.remindBeforeMs);
      if (decision === undefined || decision.kind === 'wait') continue;
      if (decision.kind === 'remind') {
        if (await this.remind(alert, decision.since, decision.afterMs, now)) report.reminded++;
        continue;
      }
      const reason = `not acknowledged within ${durationWords(decision.afterMs)}`;
      const result = await this.options.alerts.escalate(alert.id, { ...SYSTEM_ACTOR }, ORIGIN, reason, { expectedVersion: alert.version });
      if (result.outcome === 'allowed') {
        report.escalated++;
        this.options.logger.info({ alert: alert.id, reason }, 'alert escalated automatically');
        if (result.alert !== undefined) report.copiesQueued += await this.queueCopies(result.alert);
      }
    }
    return report;
  }

  /** One reminder per wait: the audit trail says whether it was already sent since the alert became due. */
  private async remind(alert: Alert, since: Date, afterMs: number, now: Date): Promise<boolean> {
    const trail = await this.options.store.listAudit({ alertId: alert.id, limit: 50 });
    if (trail.some((e) => e.action === 'remind' && e.outcome === 'allowed' && e.at.getTime() >= since.getTime())) return false;
    const left = Math.max(0, since.getTime() + afterMs - now.getTime());
    const text = `Reminder: ${alert.id} is not acknowledged yet; it is escalated automatically in ${durationWords(left)}.`;
    await this.options.store.queueReplies(alert.id, text);
    await this.options.alerts.audit({
      actor: { ...SYSTEM_ACTOR },
      action: 'remind',
      alertId: alert.id,
      outcome: 'allowed',
      origin: ORIGIN,
      detail: text,
    });
    this.options.onQueued?.();
    return true;
  }
}
