/**
 * The domain's vocabulary. Nothing here knows about Slack, Teams, Azure or SQL.
 */

export type Severity = 'Informational' | 'Low' | 'Medium' | 'High';

export type AlertStatus = 'open' | 'acknowledged' | 'escalated' | 'resolved';

export type Classification = 'true_positive' | 'benign_positive' | 'false_positive';

export type AlertAction = 'acknowledge' | 'escalate' | 'resolve' | 'reopen';

export type PlatformName = 'teams' | 'slack' | 'console' | 'cli' | 'system';

/** The person (or FirstWatch itself, platform 'system') behind an action. */
export interface Actor {
  platform: PlatformName;
  /** Platform id: Slack user id, Teams AAD object id, CLI login, 'firstwatch' for system. */
  id: string;
  displayName: string;
  /** Email or UPN, used by the allow-list. */
  email?: string;
}

/** A Sentinel entity, as the rule's entityMappings produced it. */
export interface AlertEntity {
  /** Sentinel entity type: Account, IP, Host, AzureResource, Process, File, URL, … */
  type: string;
  /** identifier → value, e.g. { FullName: 'alice@contoso.com' } */
  fields: Record<string, string>;
}

/** The resource a hit acted on, found by enrichment. */
export interface AlertTarget {
  /** false: enrichment found nothing ("target not found"), or could not run (see `unavailable`). */
  found: boolean;
  /** Why enrichment could not run at all, e.g. "AzureActivity not available in this workspace". */
  unavailable?: string;
  kind?: 'azure-vm' | 'arc-machine' | 'other';
  /** Human name of the mechanism: "Run Command", "Managed Run Command", "Custom Script Extension", "VM extension". */
  mechanism?: string;
  resourceId?: string;
  name?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  /** The AzureActivity operation name value, e.g. MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION */
  operation?: string;
  /** Succeeded, Failed, Started, Accepted … */
  operationStatus?: string;
  correlationId?: string;
  /** Extension publisher/type where known (e.g. Microsoft.Compute/CustomScriptExtension). */
  extensionType?: string;
}

/** The account that performed the action. */
export interface AlertSubject {
  upn?: string;
  displayName?: string;
  aadObjectId?: string;
}

/** One change of status, as shown on the card's status line. */
export interface StatusChange {
  action: AlertAction;
  actor: Actor;
  at: Date;
  note?: string;
  classification?: Classification;
  /**
   * The alert's latest escalation (optional, added for escalation routing): set by
   * an escalate change and carried on the later ones, so every card can still say
   * who escalated it, to whom and why.
   */
  escalation?: EscalationMark;
}

/** Who escalated an alert, to whom, when (ISO-8601 text: it travels inside stored JSON) and why. */
export interface EscalationMark {
  by: string;
  at: string;
  /** Where it went, in words ("on-call"). */
  to?: string;
  note?: string;
  /** True when FirstWatch escalated it itself (not acknowledged in time). */
  auto?: boolean;
}

/** What a detection hit turns into before it is stored (no id yet). */
export interface NewAlert {
  detectionId: string;
  detectionName: string;
  /** Rendered alertDisplayNameFormat, or the rule name. */
  title: string;
  description?: string;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  /** Dedup key; a second hit with the same fingerprint for the same detection is a no-op. */
  fingerprint: string;
  /** Workspace name the hit came from. */
  workspace: string;
  /** TimeGenerated of the hit. */
  eventTime: Date;
  /** When the hit's row reached the workspace (ingestion_time()), when the rule's query returns it. */
  ingestionTime?: Date;
  subject: AlertSubject;
  /** What happened, in words ("Run Command on Virtual Machine"). */
  action?: string;
  sourceIp?: string;
  sourceLocation?: string;
  /** UEBA insights that fired, by key (FirstTimeUserPerformedAction, …). */
  insights: string[];
  investigationPriority?: number;
  entities: AlertEntity[];
  /** customDetails: label → value. */
  details: Record<string, string>;
  /** null when the detection names no enrichment step. */
  target: AlertTarget | null;
  /** The query's row, as returned. */
  raw: Record<string, unknown>;
}

export interface Alert extends NewAlert {
  /** Short human id: FW-12. */
  id: string;
  status: AlertStatus;
  classification?: Classification;
  /** The newest status change; undefined while the alert is untouched. */
  lastChange?: StatusChange;
  /** Incremented on every transition; cards carry it so stale clicks are noticed. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One line of the audit log: every attempt, allowed or refused. */
export interface AuditEntry {
  id?: number;
  at: Date;
  actor: Actor;
  /** acknowledge, escalate, resolve, reopen, hunt, view, … */
  action: string;
  alertId?: string;
  outcome: 'allowed' | 'refused' | 'noop' | 'failed';
  /** Why refused / what changed. */
  detail?: string;
  /** Where it came from: "slack:C123", "teams:19:abc@thread.tacv2", "cli". */
  origin: string;
}

/** What a hunt found for one user; cards render it, the hunt module fills it. */
export interface HuntReport {
  upn: string;
  displayName?: string;
  aadObjectId?: string;
  period: { start: Date; end: Date };
  /** Workspaces asked, by name. */
  workspaces: string[];
  /** Hunted tables a workspace does not have ("BehaviorAnalytics in contoso" when several were asked); the rest were hunted. */
  missingTables?: string[];
  totalEvents: number;
  /** Events per source table, e.g. { BehaviorAnalytics: 12, AzureActivity: 40 }. */
  bySource: Record<string, number>;
  /** One entry per day in the period, oldest first. */
  timeline: { day: string; count: number }[];
  /** Per source and action: how often, first/last seen, where from, on what. */
  activities: HuntActivity[];
  /** Sign-in outcomes: result → count ("Success", "50126 Invalid credentials"). */
  signIns: { result: string; count: number }[];
  sourceIps: { ip: string; location?: string; count: number }[];
  resources: { resource: string; count: number }[];
  /** First-time and uncommon UEBA insights that fired, with counts. */
  insights: { insight: string; count: number }[];
  /** The most recent events, newest first. */
  recent: HuntEvent[];
  /** FirstWatch alerts for the same user. */
  alerts: Pick<Alert, 'id' | 'title' | 'status' | 'eventTime' | 'severity'>[];
  /**
   * How many entries each list has in full, where the list above is cut short, so a view's
   * "… and N more" counts from the truth and not from the cut list. Absent: the list is whole.
   */
  totals?: Partial<Record<HuntListName, number>>;
  links: { query?: string; defenderUser?: string };
  /** The exact KQL that ran (for the Log Analytics link and the audit). */
  query: string;
}

/** The report's lists that views cut short. */
export type HuntListName = 'activities' | 'signIns' | 'sourceIps' | 'resources' | 'insights' | 'recent' | 'alerts';

export interface HuntActivity {
  source: string;
  action: string;
  count: number;
  first: Date;
  last: Date;
  ips: string[];
  targets: string[];
  statuses: string[];
  maxPriority?: number;
  insights: string[];
}

export interface HuntEvent {
  time: Date;
  source: string;
  action: string;
  target?: string;
  ip?: string;
  status?: string;
}
