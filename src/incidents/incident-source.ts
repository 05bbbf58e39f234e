import { SENTINEL_INCIDENT_DETECTION_ID } from '../alerts/incident-origin';
import type { Alert, NewAlert } from '../alerts/types';
import type { DeliveryTarget } from '../delivery/types';
import type { AlertStore } from '../store/alert-store';
import type { IncidentSyncStore } from '../store/incident-sync-store';
import type { Clock } from '../time/clock';
import type { QuerySource } from '../workspace/query-source';
import { incidentToAlert } from './incident-alert';
import { matchesFilter, rulesOf, type IncidentFilter } from './incident-filter';
import { readIncidentWindow } from './incident-reader';
import { asIncident, type IncidentAlertRecord, type IncidentRecord } from './incident-rows';
import { applyIncidentState } from './portal-follower';

/** 'incidents': post Sentinel's incidents; 'both': also run the rules, and link their incidents to the alerts FirstWatch raised. */
export type IncidentFollowMode = 'incidents' | 'both';

export interface IncidentSourceOptions {
  workspace: { name: string; source: QuerySource; targets: DeliveryTarget[] };
  store: AlertStore & IncidentSyncStore;
  mode: IncidentFollowMode;
  filter: IncidentFilter;
  /** Rule GUIDs FirstWatch runs itself on this workspace (lower case); used in 'both' mode. */
  ownRuleIds: ReadonlySet<string>;
  clock: Clock;
  /** Each window starts this long before the last ended; the incident's name makes the overlap harmless. */
  overlapMs: number;
  /** First run (no watermark yet): how far back by ingestion time. */
  firstRunLookbackMs: number;
  /**
   * 'both' mode: how long an incident of a rule FirstWatch runs waits for FirstWatch's own
   * alert of the same hit; after that it is posted itself, so a hit FirstWatch's run missed still shows.
   */
  linkWaitMs: number;
}

export interface IncidentPass {
  window: { start: Date; end: Date };
  /** Alerts stored for new incidents (their cards are queued). */
  posted: Alert[];
  /** Incidents linked to the alert FirstWatch raised itself for the same hit: [alertId, incidentName]. */
  linked: Array<[string, string]>;
  /** Alerts moved to follow a changed incident. */
  followed: string[];
  /** Incidents waiting for FirstWatch's own alert ('both' mode). */
  waiting: number;
  /** Incidents the filter left out. */
  filtered: number;
  problems: string[];
}

/** How close (ms) FirstWatch's alert must be to the Sentinel alert's query window to be the same hit. */
const SAME_HIT_SLACK_MS = 5 * 60_000;

/**
 * Sentinel's incidents as a source of alerts, exactly once: a window of
 * SecurityIncident ingestion time after the stored watermark, the latest record
 * of each incident, stored in one transaction with the watermark (recordPoll,
 * fingerprint = incident name), each new alert linked to its incident for the
 * write-back. A change to an incident already followed moves its alert (as a
 * portal change would). With 'both', an incident whose every rule FirstWatch runs
 * itself is linked to FirstWatch's alert for the same hit instead of posted: each
 * hit appears once.
 */
export class IncidentSource {
  private readonly waitingSince = new Map<string, Date>();
  /** Links a crash (or a failed pass) may have left undone are looked for on the first pass and after a failed one. */
  private repairDue = true;

  constructor(private readonly options: IncidentSourceOptions) {}

  async runOnce(signal?: AbortSignal): Promise<IncidentPass> {
    const { store, workspace, clock } = this.options;
    const end = clock();
    const mark = await store.getWatermark(workspace.name, SENTINEL_INCIDENT_DETECTION_ID);
    const start = mark ? new Date(mark.getTime() - this.options.overlapMs) : new Date(end.getTime() - this.options.firstRunLookbackMs);
    const read = await readIncidentWindow(workspace.source, { start, end }, { signal });
    const pass: IncidentPass = {
      window: { start, end },
      posted: [],
      linked: [],
      followed: [],
      waiting: 0,
      filtered: 0,
      problems: read.problems,
    };
    const fresh: NewAlert[] = [];
    const freshIncidents = new Map<string, IncidentRecord>();
    let holdWatermark: Date | undefined;
    if (this.repairDue) await this.repairLinks();
    this.repairDue = true;
    for (const incident of read.incidents) {
      const alerts = incident.alertIds.map((id) => read.alerts.get(id)).filter((a): a is IncidentAlertRecord => a !== undefined);
      if (!matchesFilter(this.options.filter, incident, alerts)) {
        pass.filtered++;
        continue;
      }
      // The incident's latest state moves the card it is linked to (closed there → resolved here).
      const follow = async (): Promise<void> => {
        const moved = await applyIncidentState({
          store,
          workspace: workspace.name,
          incident: asIncident(incident),
          now: clock(),
          recordedAt: incident.lastModifiedTime ?? incident.recordTime,
        });
        if (moved !== undefined) pass.followed.push(moved);
      };
      const linkedTo = await store.alertForIncident(workspace.name, incident.name);
      if (linkedTo !== undefined) {
        await follow();
        continue;
      }
      if (this.ownsAllRules(incident, alerts)) {
        const mine = await this.sameHit(incident, alerts);
        if (mine !== undefined) {
          await store.linkIncident(mine.id, workspace.name, incident.name);
          this.waitingSince.delete(incident.name);
          pass.linked.push([mine.id, incident.name]);
          await follow();
          continue;
        }
        const since = this.waitingSince.get(incident.name) ?? end;
        this.waitingSince.set(incident.name, since);
        if (end.getTime() - since.getTime() < this.options.linkWaitMs) {
          // Read again next time: the watermark stays before it, so a restart does not lose it either.
          pass.waiting++;
          const at = incident.ingestionTime ?? incident.recordTime;
          if (holdWatermark === undefined || at < holdWatermark) holdWatermark = at;
          continue;
        }
        this.waitingSince.delete(incident.name);
      }
      fresh.push(incidentToAlert(workspace.name, incident, alerts));
      freshIncidents.set(incident.name, incident);
    }
    const watermark = holdWatermark !== undefined ? new Date(Math.max(start.getTime(), holdWatermark.getTime() - 1)) : end;
    pass.posted = await store.recordPoll({
      workspace: workspace.name,
      detectionId: SENTINEL_INCIDENT_DETECTION_ID,
      watermark,
      alerts: fresh,
      targets: workspace.targets,
    });
    // Linked after the commit; a crash in between is repaired on the next pass (repairLinks).
    const stored = await store.findAlertsByFingerprint(SENTINEL_INCIDENT_DETECTION_ID, [...freshIncidents.keys()]);
    for (const alert of stored) {
      if (alert.workspace === workspace.name) await store.linkIncident(alert.id, workspace.name, alert.fingerprint);
    }
    this.repairDue = false;
    return pass;
  }

  /** Alerts raised from an incident whose link a crash prevented. */
  private async repairLinks(): Promise<void> {
    const { store, workspace } = this.options;
    const open = await store.listAlerts({ status: 'open', workspaces: [workspace.name], limit: 500 });
    for (const alert of open) {
      if (alert.detectionId !== SENTINEL_INCIDENT_DETECTION_ID) continue;
      if ((await store.getIncidentLink(alert.id)) === undefined) await store.linkIncident(alert.id, workspace.name, alert.fingerprint);
    }
  }

  private ownsAllRules(incident: IncidentRecord, alerts: IncidentAlertRecord[]): boolean {
    if (this.options.mode !== 'both') return false;
    const rules = rulesOf(incident, alerts);
    return rules.size > 0 && [...rules].every((r) => this.options.ownRuleIds.has(r));
  }

  /**
   * FirstWatch's own alert for the hit behind this incident: same rule, same
   * account, event time inside the Sentinel alert's query window, not linked to another incident.
   */
  private async sameHit(incident: IncidentRecord, alerts: IncidentAlertRecord[]): Promise<Alert | undefined> {
    const { store, workspace } = this.options;
    const rules = rulesOf(incident, alerts);
    const accounts = new Set<string>();
    for (const e of alerts.flatMap((a) => a.entities)) {
      if (e.type !== 'Account') continue;
      const f = e.fields;
      const upn = f.UPN ?? f.FullName ?? (f.Name && f.UPNSuffix ? `${f.Name}@${f.UPNSuffix}` : undefined);
      if (upn !== undefined) accounts.add(upn.toLowerCase());
    }
    const windows = alerts
      .filter((a) => a.startTime !== undefined && a.endTime !== undefined)
      .map((a) => ({ from: (a.startTime as Date).getTime() - SAME_HIT_SLACK_MS, to: (a.endTime as Date).getTime() + SAME_HIT_SLACK_MS }));
    if (windows.length === 0 && incident.firstActivityTime !== undefined) {
      const t = incident.firstActivityTime.getTime();
      windows.push({ from: t - SAME_HIT_SLACK_MS, to: t + SAME_HIT_SLACK_MS });
    }
    for (const upn of accounts) {
      const candidates = await store.findAlertsBySubject(upn, 50);
      for (const alert of candidates) {
        if (alert.workspace !== workspace.name || !rules.has(alert.detectionId.toLowerCase())) continue;
        const t = alert.eventTime.getTime();
        if (!windows.some((w) => t >= w.from && t <= w.to)) continue;
        const link = await store.getIncidentLink(alert.id);
        if (link !== undefined && link.incidentName !== incident.name) continue;
        return alert;
      }
    }
    return undefined;
  }
}
