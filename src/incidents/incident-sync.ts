import type { Logger } from '../logging/logger';
import type { Clock } from '../time/clock';
import type { SentinelIncidentsClient } from './arm-client';
import type { IncidentWriter } from './incident-writer';
import type { IncidentPass, IncidentSource } from './incident-source';
import { followPortalChanges } from './portal-follower';
import type { AlertStore } from '../store/alert-store';
import type { IncidentSyncStore } from '../store/incident-sync-store';
import { QueryError } from '../workspace/query-source';

/** The workspace has no such table (Sentinel not enabled there, or a user's own tables): said once, not every pass. */
function missingTable(err: unknown): boolean {
  return err instanceof QueryError && err.kind === 'bad-query' && /\bSecurity(Incident|Alert)\b/.test(err.message);
}

/** One workspace's part: its incidents as a source, and/or its portal changes followed through ARM. */
export interface IncidentWorkspace {
  name: string;
  source?: IncidentSource;
  client?: SentinelIncidentsClient;
}

export interface IncidentSyncOptions {
  workspaces: IncidentWorkspace[];
  writer?: IncidentWriter;
  store: AlertStore & IncidentSyncStore;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** How far back the portal follower looks when the process starts. */
  followLookbackMs: number;
  /** Only the poll lock's holder reads incidents and portal changes; every replica writes back (leased claims). */
  isLeader: () => Promise<boolean>;
  /** Alerts were stored or moved: their cards need posting or redrawing. */
  onChanged: () => void;
}

/**
 * The incident loop: every interval (and at once when kicked by a chat action)
 * read new and changed incidents, follow portal changes, and drain the
 * write-backs owed. Passes never overlap; a failing step is logged and the
 * next pass tries again (nothing is lost: the source's watermark and the
 * write-back debt live in the store).
 */
export class IncidentSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Whether the pass to come reads incidents too, or only writes back (a chat action). */
  private readNext = true;
  private stopped = true;
  private readonly since = new Map<string, Date>();
  private readonly toldMissing = new Set<string>();

  constructor(private readonly options: IncidentSyncOptions) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** A decision was made in chat: write it back now (or right after the pass in progress), without reading incidents. */
  writeSoon(): void {
    this.kick(false);
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(read = true): void {
    if (this.stopped) return;
    this.readNext ||= read;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const readNow = this.readNext;
    this.readNext = false;
    this.running = this.runOnce({ read: readNow })
      .catch((err: unknown) => this.options.logger.error({ err }, 'incident pass failed; the next one retries'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick(false);
          return;
        }
        this.timer = setTimeout(() => this.kick(), this.options.intervalMs);
        this.timer.unref();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: new and changed incidents and portal changes of every workspace (unless `read: false`), then the writer. */
  async runOnce(options: { read?: boolean } = {}): Promise<void> {
    const { logger, clock } = this.options;
    let changed = false;
    if (options.read !== false && (await this.options.isLeader())) {
      for (const ws of this.options.workspaces) {
        if (ws.source) {
          try {
            const pass = await ws.source.runOnce();
            this.report(ws.name, pass);
            if (pass.posted.length > 0 || pass.followed.length > 0) changed = true;
          } catch (err) {
            if (!missingTable(err)) {
              logger.error({ err, workspace: ws.name }, 'reading Sentinel incidents failed; the window is read again next time');
            } else if (!this.toldMissing.has(ws.name)) {
              this.toldMissing.add(ws.name);
              logger.warn(
                { workspace: ws.name, reason: (err as Error).message },
                'the workspace has no SecurityIncident/SecurityAlert table: no incidents to follow until it has (set ALERT_SOURCE=rules to stop looking)',
              );
            }
          }
        }
        if (ws.client) {
          try {
            const now = clock();
            const since = this.since.get(ws.name) ?? new Date(now.getTime() - this.options.followLookbackMs);
            const pass = await followPortalChanges({ client: ws.client, store: this.options.store, workspace: ws.name, since, now });
            this.since.set(ws.name, pass.watermark);
            for (const alertId of pass.applied)
              logger.info({ workspace: ws.name, alertId }, 'a change made in the Sentinel portal came back');
            if (pass.applied.length > 0) changed = true;
          } catch (err) {
            logger.warn({ err, workspace: ws.name }, 'following Sentinel portal changes failed; tried again next time');
          }
        }
      }
    }
    if (changed) this.options.onChanged();
    const writer = this.options.writer;
    if (writer) {
      const pass = await writer.runOnce();
      if (pass.failed > 0 || pass.written > 0) this.options.onChanged();
    }
  }

  private report(workspace: string, pass: IncidentPass): void {
    const { logger } = this.options;
    for (const problem of pass.problems) logger.warn({ workspace, problem }, 'a SecurityIncident row was not usable');
    for (const alert of pass.posted)
      logger.info({ workspace, alertId: alert.id, incident: alert.fingerprint }, 'Sentinel incident arrived');
    for (const [alertId, incident] of pass.linked)
      logger.info({ workspace, alertId, incident }, 'Sentinel incident linked to the alert FirstWatch raised for the same hit');
    if (pass.waiting > 0) logger.info({ workspace, waiting: pass.waiting }, "incidents of FirstWatch's own rules wait for its alert");
  }
}
