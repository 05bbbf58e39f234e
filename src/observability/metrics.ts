import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where a 429 (rate-limit answer) came from. */
export type RateLimitedService = 'slack' | 'teams' | 'workspace';

/**
 * The process's Prometheus series. One registry per instance (not the global
 * one), so two apps in one test process do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly polls: Counter<'detection' | 'workspace' | 'outcome'>;
  readonly pollDuration: Histogram<'detection' | 'workspace'>;
  readonly lastPoll: Gauge<'detection' | 'workspace'>;
  readonly alertsCreated: Counter<'detection'>;
  readonly enrichmentUnavailable: Counter<'detection' | 'workspace'>;
  readonly lateHits: Counter<'detection' | 'workspace' | 'alerted'>;
  readonly deliveries: Counter<'platform' | 'outcome'>;
  readonly deliveryLatency: Histogram<'platform'>;
  readonly cardUpdates: Counter<'platform' | 'outcome'>;
  readonly digests: Counter<'platform' | 'outcome'>;
  readonly unreadSeconds: Counter<'detection' | 'workspace'>;
  readonly blindSeconds: Gauge<'detection' | 'workspace'>;
  readonly blindReports: Counter<'detection' | 'workspace' | 'outcome'>;
  readonly interactions: Counter<'type' | 'verb' | 'outcome'>;
  readonly huntDuration: Histogram<'outcome'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly workspaceThrottled: Counter<'workspace'>;
  readonly queryQueueWait: Histogram<'workspace'>;
  /** Last fully successful poll's window end, by workspace and detection; read at scrape time as lag. */
  private readonly polledTo = new Map<string, Map<string, number>>();
  private readonly rateLimitSources = new Map<RateLimitedService, () => number>();
  private ambiguousPosts: () => number = () => 0;

  constructor(options: { defaultMetrics?: boolean; clock?: () => Date } = {}) {
    const clock = options.clock ?? (() => new Date());
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.polls = new Counter({
      name: 'firstwatch_polls_total',
      help: 'Detection runs by outcome (ok or failed)',
      labelNames: ['detection', 'workspace', 'outcome'],
      registers,
    });
    this.unreadSeconds = new Counter({
      name: 'firstwatch_poll_unread_seconds_total',
      help: 'Ingestion time a detection could not read (over a query limit at the smallest window, or beyond the window cap); its hits were not alerted',
      labelNames: ['detection', 'workspace'],
      registers,
    });
    this.blindSeconds = new Gauge({
      name: 'firstwatch_detection_blind_seconds',
      help: 'How long each detection has been unable to read (part of) its window in a workspace; 0 once a poll reads it whole',
      labelNames: ['detection', 'workspace'],
      registers,
    });
    this.blindReports = new Counter({
      name: 'firstwatch_blind_reports_total',
      help: 'Blind-detection reports to the alert channels (once per blind spell), by outcome (posted or failed)',
      labelNames: ['detection', 'workspace', 'outcome'],
      registers,
    });
    this.pollDuration = new Histogram({
      name: 'firstwatch_poll_query_duration_seconds',
      help: 'Time of one detection run over one workspace: query, enrichment and the store transaction',
      labelNames: ['detection', 'workspace'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
      registers,
    });
    this.lastPoll = new Gauge({
      name: 'firstwatch_poll_last_run_timestamp_seconds',
      help: 'When each detection last finished a run (either outcome)',
      labelNames: ['detection', 'workspace'],
      registers,
    });
    this.alertsCreated = new Counter({
      name: 'firstwatch_alerts_created_total',
      help: 'New alerts stored by polls',
      labelNames: ['detection'],
      registers,
    });
    this.enrichmentUnavailable = new Counter({
      name: 'firstwatch_enrichment_unavailable_total',
      help: 'Polls whose alerts went out without their enrichment (missing table, failed or timed-out query)',
      labelNames: ['detection', 'workspace'],
      registers,
    });
    this.lateHits = new Counter({
      name: 'firstwatch_late_hits_total',
      help: 'Hits among rows that arrived later than the look-back (INGESTION_DELAY_ALLOWANCE), by whether they were alerted (LATE_ROWS)',
      labelNames: ['detection', 'workspace', 'alerted'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'firstwatch_deliveries_total',
      help: 'Outbox deliveries by outcome: posted, reconciled (found posted before a crash), retry, waiting (setup problem), failed',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.deliveryLatency = new Histogram({
      name: 'firstwatch_delivery_latency_seconds',
      help: 'From an alert being stored to its card being posted',
      labelNames: ['platform'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.cardUpdates = new Counter({
      name: 'firstwatch_card_updates_total',
      help: 'Re-renders of posted cards by outcome (ok; failed: will retry; given-up: the service said it never will work; waiting: needs a setup fix)',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.digests = new Counter({
      name: 'firstwatch_digests_total',
      help: 'Storm digest cards by outcome: posted, retry, waiting (the channel cannot show it yet; held until it can), failed (given up)',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.interactions = new Counter({
      name: 'firstwatch_interactions_total',
      help: 'Commands and button clicks by type (action, text or command), verb and outcome (ok, refused, error)',
      labelNames: ['type', 'verb', 'outcome'],
      registers,
    });
    this.huntDuration = new Histogram({
      name: 'firstwatch_hunt_duration_seconds',
      help: 'Hunts from request to report',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'firstwatch_http_requests_total',
      help: 'HTTP requests by route and status class',
      labelNames: ['route', 'status'],
      registers,
    });
    this.workspaceThrottled = new Counter({
      name: 'firstwatch_workspace_throttled_total',
      help: '429 answers to poll queries, by workspace (each pauses that workspace only)',
      labelNames: ['workspace'],
      registers,
    });
    this.queryQueueWait = new Histogram({
      name: 'firstwatch_workspace_query_queue_seconds',
      help: "Time a poll query waited for the query limiter (concurrency, rate, its workspace's turn or pause)",
      labelNames: ['workspace'],
      buckets: [0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 180, 600],
      registers,
    });
    const polledTo = this.polledTo;
    new Gauge({
      name: 'firstwatch_workspace_poll_lag_seconds',
      help: "By workspace: how far behind now the least advanced detection's last successful poll ends",
      labelNames: ['workspace'],
      registers,
      collect() {
        this.reset();
        const now = clock().getTime();
        for (const [workspace, byDetection] of polledTo) {
          this.set({ workspace }, Math.max(0, now - Math.min(...byDetection.values())) / 1000);
        }
      },
    });
    const sources = this.rateLimitSources;
    new Counter({
      name: 'firstwatch_rate_limited_total',
      help: '429 answers seen, by the service that sent them',
      labelNames: ['service'],
      registers,
      collect() {
        // The platforms keep their own running counts; read them at scrape time.
        this.reset();
        for (const [service, read] of sources) this.inc({ service }, read());
      },
    });
    const ambiguous = (): number => this.ambiguousPosts();
    new Counter({
      name: 'firstwatch_teams_ambiguous_posts_total',
      help: 'Teams posts that failed without saying whether they were accepted (502, 504, cut off); each retry of one may have created a second thread',
      registers,
      collect() {
        this.reset();
        this.inc(ambiguous());
      },
    });
  }

  /** Registers the Teams sender's running count of posts that may have been accepted although they failed. */
  countAmbiguousPosts(read: () => number): void {
    this.ambiguousPosts = read;
  }

  /** Registers a running count of 429s kept by a client (Slack's channel queue, the Teams sender). */
  countRateLimits(service: RateLimitedService, read: () => number): void {
    const previous = this.rateLimitSources.get(service);
    this.rateLimitSources.set(service, previous === undefined ? read : () => previous() + read());
  }

  /** Records that `detection` has polled `workspace` up to `until`. */
  markPolled(workspace: string, detection: string, until: Date): void {
    let byDetection = this.polledTo.get(workspace);
    if (byDetection === undefined) {
      byDetection = new Map();
      this.polledTo.set(workspace, byDetection);
    }
    byDetection.set(detection, Math.max(byDetection.get(detection) ?? 0, until.getTime()));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
