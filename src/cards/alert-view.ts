import type { Alert, AlertEntity, AlertStatus, AlertTarget } from '../alerts/types';
import { viewActions, type ViewAction } from './actions';
import type { CardContext } from './context';
import { humaniseInsight, insightOrder } from './insights';
import { azureResourceUrl, defenderUserUrl, logAnalyticsQueryUrl, sentinelIncidentUrl } from '../alerts/links';
import { incidentNameOf } from '../alerts/incident-origin';
import { techniqueRef, type TechniqueRef } from './mitre';
import { severityHint, type SeverityHint } from './severity';
import { describeStatus } from './status';
import { formatUtc } from '../time/when';
import { asPointInTime, humanLabel, readableValue } from './labels';
import { stateView, type StateView } from './state';

export interface ViewFact {
  label: string;
  value: string;
  /** The value is this point in time; renderers show it in the reader's time zone where they can, `value` (UTC) elsewhere. */
  at?: Date;
  /** Said after the time wherever it is shown: "event 26 h before it reached the workspace". */
  atNote?: string;
}

export interface ViewLink {
  kind: 'defender-user' | 'azure-resource' | 'log-analytics' | 'sentinel-incident';
  label: string;
  url: string;
}

export type TargetView =
  | { found: false; text: string }
  | {
      found: true;
      kind: 'azure-vm' | 'arc-machine' | 'other';
      /** "Azure VM", "Azure Arc machine", "Azure resource" */
      kindLabel: string;
      name?: string;
      resourceGroup?: string;
      subscriptionId?: string;
      resourceId?: string;
      /** "Azure VM vm-web-01" */
      text: string;
    };

/** Everything a card shows, platform-neutral. Strings are raw (renderers escape them). */
export interface AlertView {
  alertId: string;
  version: number;
  status: AlertStatus;
  title: string;
  description?: string;
  detectionName: string;
  severity: SeverityHint;
  /** "Alice Smith (alice@contoso.com)"; undefined when the hit names nobody. */
  who?: { upn?: string; displayName?: string; text: string };
  /** "Run Command on Virtual Machine · Run Command (Succeeded)" */
  what?: { action?: string; mechanism?: string; outcome?: string; text: string };
  /** null when the detection has no enrichment step. */
  target: TargetView | null;
  when: {
    iso: string;
    /** The event time, when it is a valid date (renderers show it in the reader's time zone). */
    at?: Date;
    utc: string;
    /** UTC, and the reporting delay when large; never a relative time, which a posted card would freeze. */
    text: string;
    /** "event 26 h before it reached the workspace", when that delay is large. */ delay?: string;
  };
  source?: { ip?: string; location?: string; text: string };
  insights: { key: string; text: string }[];
  investigationPriority?: number;
  techniques: TechniqueRef[];
  tactics: string[];
  /** Entities with whatever the card does not already show (a value appears once on a card). */
  entities: { type: string; text: string }[];
  /** Custom details with readable labels and values, without values shown elsewhere on the card. */
  details: ViewFact[];
  links: ViewLink[];
  /** "Acknowledged by Alex Wilber · 14:02 UTC" (text and notifications). */
  statusLine: string;
  /** The state as cards show it at a glance: word, icon, tone, who and when. */
  state: StateView;
  workspace: string;
  /** What a responder needs at a glance, in display order: user, action, machine, when, source. */
  facts: ViewFact[];
  /** The rest, behind "Details": priority, resource group, subscription, workspace, rule. */
  moreFacts: ViewFact[];
  actions: ViewAction[];
}

const KIND_LABEL = { 'azure-vm': 'Azure VM', 'arc-machine': 'Azure Arc machine', other: 'Azure resource' } as const;

function inferKind(target: AlertTarget): 'azure-vm' | 'arc-machine' | 'other' {
  if (target.kind) return target.kind;
  const id = target.resourceId?.toLowerCase() ?? '';
  if (id.includes('/providers/microsoft.hybridcompute/machines/')) return 'arc-machine';
  if (id.includes('/providers/microsoft.compute/virtualmachines/')) return 'azure-vm';
  return 'other';
}

function resourceIdPart(resourceId: string | undefined, key: string): string | undefined {
  if (!resourceId) return undefined;
  const parts = resourceId.split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === key);
  return i >= 0 && i + 1 < parts.length && parts[i + 1] !== '' ? parts[i + 1] : undefined;
}

function present(s: string | undefined): s is string {
  return s !== undefined && s.trim().length > 0;
}

function targetView(target: AlertTarget | null): TargetView | null {
  if (target === null) return null;
  if (!target.found) {
    return {
      found: false,
      text: present(target.unavailable)
        ? `Unknown: ${target.unavailable}`
        : 'Not found: AzureActivity shows no Run Command or extension write by this account around that time',
    };
  }
  const kind = inferKind(target);
  const kindLabel = KIND_LABEL[kind];
  const name = present(target.name)
    ? target.name
    : target.resourceId
        ?.split('/')
        .filter((p) => p !== '')
        .pop();
  const resourceGroup = present(target.resourceGroup) ? target.resourceGroup : resourceIdPart(target.resourceId, 'resourcegroups');
  const subscriptionId = present(target.subscriptionId) ? target.subscriptionId : resourceIdPart(target.resourceId, 'subscriptions');
  const view: TargetView = { found: true, kind, kindLabel, text: name ? `${kindLabel} ${name}` : kindLabel };
  if (name) view.name = name;
  if (resourceGroup) view.resourceGroup = resourceGroup;
  if (subscriptionId) view.subscriptionId = subscriptionId;
  if (present(target.resourceId)) view.resourceId = target.resourceId;
  return view;
}

function whoView(alert: Alert): AlertView['who'] {
  const { upn, displayName } = alert.subject;
  // A display name that is only the UPN's first part ("alice") says nothing the UPN does not.
  const sameAsUpn =
    present(upn) && present(displayName) && [upn, upn.split('@')[0]].some((u) => u.toLowerCase() === displayName.toLowerCase());
  if (present(upn) && present(displayName) && !sameAsUpn) return { upn, displayName, text: `${displayName} (${upn})` };
  if (present(upn)) return { upn, text: upn };
  if (present(displayName)) return { displayName, text: displayName };
  return undefined;
}

function whatView(alert: Alert): AlertView['what'] {
  const action = present(alert.action) ? alert.action : undefined;
  const mechanism = present(alert.target?.mechanism) ? alert.target?.mechanism : undefined;
  const outcome = alert.target?.found && present(alert.target.operationStatus) ? alert.target.operationStatus : undefined;
  const repeats = action !== undefined && mechanism !== undefined && action.toLowerCase().includes(mechanism.toLowerCase());
  const parts = [action, repeats ? undefined : mechanism].filter(present);
  if (parts.length === 0) return undefined;
  const text = parts.join(' · ') + (outcome ? ` (${outcome})` : '');
  const view: NonNullable<AlertView['what']> = { text };
  if (action) view.action = action;
  if (mechanism) view.mechanism = mechanism;
  if (outcome) view.outcome = outcome;
  return view;
}

// Identifying fields, shown bare; any other field is shown with its label ("Entra object ID …").
const ENTITY_PREFERRED = ['FullName', 'Name', 'HostName', 'Address', 'ResourceId', 'Url', 'CommandLine'];

const norm = (v: string): string => v.trim().toLowerCase();

/**
 * An entity as a person reads it, leaving out what the card already shows:
 * "ws-042 · DNS domain corp.contoso.com", "Entra object ID 0e9d…"; empty when everything is shown.
 */
function entityText(entity: AlertEntity, shown: ReadonlySet<string>): string {
  const f = entity.fields;
  if (entity.type === 'Account' && present(f.Name) && present(f.UPNSuffix) && !present(f.FullName)) {
    const { Name: name, UPNSuffix: suffix, ...rest } = f;
    return entityText({ type: entity.type, fields: { FullName: `${name}@${suffix}`, ...rest } }, shown);
  }
  const entries = Object.entries(f).filter(([, v]) => present(v) && !shown.has(norm(v)));
  if (entries.length === 0) return '';
  const primary = ENTITY_PREFERRED.find((k) => entries.some(([key]) => key === k));
  const first = primary !== undefined ? [f[primary] as string] : [];
  const rest = entries.filter(([k]) => k !== primary).map(([k, v]) => `${humanLabel(k)} ${v}`);
  return [...first, ...rest].join(' · ');
}

/** The first host an alert without enrichment names: which machine, at a glance. */
function hostOf(alert: Alert): string | undefined {
  for (const e of alert.entities) if (e.type === 'Host' && present(e.fields.HostName)) return e.fields.HostName;
  return undefined;
}

function links(alert: Alert, target: TargetView | null, ctx: CardContext): ViewLink[] {
  const out: ViewLink[] = [];
  const user = defenderUserUrl(alert.subject.aadObjectId, ctx.tenantId);
  if (user) out.push({ kind: 'defender-user', label: 'User in Defender', url: user });
  if (target?.found) {
    const resource = azureResourceUrl(target.resourceId, ctx.tenantId);
    if (resource) {
      const label =
        target.kind === 'azure-vm'
          ? 'VM in Azure portal'
          : target.kind === 'arc-machine'
            ? 'Machine in Azure portal'
            : 'Resource in Azure portal';
      out.push({ kind: 'azure-resource', label, url: resource });
    }
  }
  const query = logAnalyticsQueryUrl(ctx.detectionQuery, ctx.workspaceResourceId, ctx.tenantId);
  if (query) out.push({ kind: 'log-analytics', label: 'Query in Log Analytics', url: query });
  const incident = sentinelIncidentUrl(ctx.workspaceResourceId, incidentNameOf(alert), ctx.tenantId);
  if (incident) out.push({ kind: 'sentinel-incident', label: 'Incident in Sentinel', url: incident });
  return out;
}

/** A delay this long between the event and its row reaching the workspace is worth a responder's notice. */
export const LARGE_DELAY_MS = 60 * 60_000;

/** "event 26 h before it reached the workspace": a late alert's activity is not fresh. */
function reportingDelay(alert: Alert): string | undefined {
  if (alert.ingestionTime === undefined) return undefined;
  const ms = alert.ingestionTime.getTime() - alert.eventTime.getTime();
  if (!Number.isFinite(ms) || ms < LARGE_DELAY_MS) return undefined;
  const hours = Math.floor(ms / 3_600_000);
  return `event ${hours} h before it reached the workspace`;
}

export function toAlertView(alert: Alert, ctx: CardContext): AlertView {
  const target = targetView(alert.target);
  const who = whoView(alert);
  const what = whatView(alert);
  const utc = formatUtc(alert.eventTime, ctx.now);
  const delay = reportingDelay(alert);
  const eventValid = !Number.isNaN(alert.eventTime.getTime());
  // The delay goes into the When line rather than a fact of its own: Slack shows at most ten fields.
  const when: AlertView['when'] = {
    iso: eventValid ? alert.eventTime.toISOString() : '',
    utc,
    text: [utc, delay].filter(present).join(' · '),
  };
  if (eventValid) when.at = alert.eventTime;
  if (delay !== undefined) when.delay = delay;
  const ip = present(alert.sourceIp) ? alert.sourceIp : undefined;
  const location = present(alert.sourceLocation) ? alert.sourceLocation : undefined;
  const source =
    ip || location
      ? { ...(ip ? { ip } : {}), ...(location ? { location } : {}), text: [ip, location].filter(present).join(' · ') }
      : undefined;
  const priority =
    typeof alert.investigationPriority === 'number' && Number.isFinite(alert.investigationPriority)
      ? alert.investigationPriority
      : undefined;
  const host = target === null ? hostOf(alert) : undefined;

  const facts: ViewFact[] = [];
  if (who) facts.push({ label: 'User', value: who.text });
  if (what) facts.push({ label: 'Action', value: what.text });
  if (target) facts.push({ label: 'Machine', value: target.text });
  else if (host) facts.push({ label: 'Device', value: host });
  facts.push({ label: 'When', value: when.text, ...(when.at ? { at: when.at } : {}), ...(when.at && delay ? { atNote: delay } : {}) });
  if (source) facts.push({ label: 'Source', value: source.text });

  const moreFacts: ViewFact[] = [];
  if (priority !== undefined) moreFacts.push({ label: 'Investigation priority', value: `${priority} / 10` });
  if (target?.found && target.resourceGroup) moreFacts.push({ label: 'Resource group', value: target.resourceGroup });
  if (target?.found && target.subscriptionId) moreFacts.push({ label: 'Subscription', value: target.subscriptionId });
  moreFacts.push({ label: 'Workspace', value: alert.workspace });
  if (alert.detectionName.trim() !== '' && alert.detectionName !== alert.title)
    moreFacts.push({ label: 'Rule', value: alert.detectionName });

  // Every value the card states already; entities and custom details do not say them again.
  const shown = new Set(
    [
      alert.id,
      who?.upn,
      who?.displayName,
      what?.action,
      what?.mechanism,
      what?.outcome,
      target?.found ? target.name : undefined,
      target?.found ? target.kindLabel : undefined,
      target?.found ? target.resourceId : undefined,
      target?.found ? target.resourceGroup : undefined,
      target?.found ? target.subscriptionId : undefined,
      host,
      ip,
      location,
      priority !== undefined ? String(priority) : undefined,
      alert.workspace,
    ]
      .filter(present)
      .map(norm),
  );
  const details: ViewFact[] = [];
  for (const [key, raw] of Object.entries(alert.details)) {
    if (!present(raw) || shown.has(norm(raw))) continue;
    const at = asPointInTime(raw);
    details.push({ label: humanLabel(key), value: at ? formatUtc(at, ctx.now) : readableValue(key, raw), ...(at ? { at } : {}) });
  }

  const view: AlertView = {
    alertId: alert.id,
    version: alert.version,
    status: alert.status,
    title: alert.title,
    detectionName: alert.detectionName,
    severity: severityHint(alert.severity),
    target,
    when,
    insights: alert.insights
      .filter(present)
      .map((key) => ({ key, text: humaniseInsight(key) }))
      .sort((x, y) => insightOrder(x.key) - insightOrder(y.key)),
    techniques: alert.techniques.filter(present).map(techniqueRef),
    tactics: alert.tactics.filter(present),
    entities: alert.entities.map((e) => ({ type: humanLabel(e.type), text: entityText(e, shown) })).filter((e) => present(e.text)),
    details,
    links: links(alert, target, ctx),
    statusLine: describeStatus(alert, ctx.now),
    state: stateView(alert),
    workspace: alert.workspace,
    facts,
    moreFacts,
    actions: viewActions(alert.id, alert.version, alert.status, present(alert.subject.upn)),
  };
  if (present(alert.description)) view.description = alert.description;
  if (who) view.who = who;
  if (what) view.what = what;
  if (source) view.source = source;
  if (priority !== undefined) view.investigationPriority = priority;
  return view;
}
