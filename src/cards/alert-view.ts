import type { Alert, AlertEntity, AlertStatus, AlertTarget } from '../alerts/types';
import { viewActions, type ViewAction } from './actions';
import type { CardContext } from './context';
import { humaniseInsight } from './insights';
import { azureResourceUrl, defenderUserUrl, logAnalyticsQueryUrl, sentinelIncidentUrl } from '../alerts/links';
import { incidentNameOf } from '../alerts/incident-origin';
import { techniqueRef, type TechniqueRef } from './mitre';
import { severityHint, type SeverityHint } from './severity';
import { describeStatus } from './status';
import { formatRelative, formatUtc } from '../time/when';

export interface ViewFact {
  label: string;
  value: string;
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
    utc: string;
    relative: string;
    text: string;
    /** "event 26 h before it reached the workspace", when that delay is large. */ delay?: string;
  };
  source?: { ip?: string; location?: string; text: string };
  insights: { key: string; text: string }[];
  investigationPriority?: number;
  techniques: TechniqueRef[];
  tactics: string[];
  entities: { type: string; text: string }[];
  details: ViewFact[];
  links: ViewLink[];
  /** "Acknowledged by Alex Wilber · 14:02 UTC" */
  statusLine: string;
  workspace: string;
  /** The key facts, in display order (user, action, target, when, source, priority, workspace, alert). */
  facts: ViewFact[];
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
    return { found: false, text: present(target.unavailable) ? `Target unknown: ${target.unavailable}` : 'Target not found' };
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
  if (present(upn) && present(displayName) && displayName !== upn) return { upn, displayName, text: `${displayName} (${upn})` };
  if (present(upn)) return { upn, text: upn };
  if (present(displayName)) return { displayName, text: displayName };
  return undefined;
}

function whatView(alert: Alert): AlertView['what'] {
  const action = present(alert.action) ? alert.action : undefined;
  const mechanism = present(alert.target?.mechanism) ? alert.target?.mechanism : undefined;
  const outcome = alert.target?.found && present(alert.target.operationStatus) ? alert.target.operationStatus : undefined;
  const parts = [action, mechanism !== action ? mechanism : undefined].filter(present);
  if (parts.length === 0) return undefined;
  const text = parts.join(' · ') + (outcome ? ` (${outcome})` : '');
  const view: NonNullable<AlertView['what']> = { text };
  if (action) view.action = action;
  if (mechanism) view.mechanism = mechanism;
  if (outcome) view.outcome = outcome;
  return view;
}

const ENTITY_PREFERRED = ['FullName', 'Name', 'HostName', 'Address', 'ResourceId', 'Url', 'CommandLine', 'AadUserId', 'Value'];

function entityText(entity: AlertEntity): string {
  const entries = Object.entries(entity.fields).filter(([, v]) => present(v));
  if (entries.length === 1) return entries[0][1];
  if (entity.type === 'Account' && present(entity.fields.Name) && present(entity.fields.UPNSuffix) && entries.length === 2) {
    return `${entity.fields.Name}@${entity.fields.UPNSuffix}`;
  }
  const primary = ENTITY_PREFERRED.find((k) => present(entity.fields[k]));
  const rest = entries.filter(([k]) => k !== primary).map(([k, v]) => `${k}: ${v}`);
  return primary ? [entity.fields[primary], ...(rest.length ? [`(${rest.join(', ')})`] : [])].join(' ') : rest.join(', ');
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
  const relative = formatRelative(alert.eventTime, ctx.now);
  const delay = reportingDelay(alert);
  // The delay goes into the When line rather than a fact of its own: Slack shows at most ten fields.
  const when: AlertView['when'] = {
    iso: Number.isNaN(alert.eventTime.getTime()) ? '' : alert.eventTime.toISOString(),
    utc,
    relative,
    text: [utc, relative, delay].filter(present).join(' · '),
  };
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

  const facts: ViewFact[] = [];
  if (who) facts.push({ label: 'User', value: who.text });
  if (what) facts.push({ label: 'Action', value: what.text });
  if (target) facts.push({ label: 'Target', value: target.text });
  if (target?.found && target.resourceGroup) facts.push({ label: 'Resource group', value: target.resourceGroup });
  if (target?.found && target.subscriptionId) facts.push({ label: 'Subscription', value: target.subscriptionId });
  facts.push({ label: 'When', value: when.text });
  if (source) facts.push({ label: 'Source', value: source.text });
  if (priority !== undefined) facts.push({ label: 'Priority', value: `${priority} / 10` });
  facts.push({ label: 'Workspace', value: alert.workspace });
  facts.push({ label: 'Alert', value: alert.id });

  const view: AlertView = {
    alertId: alert.id,
    version: alert.version,
    status: alert.status,
    title: alert.title,
    detectionName: alert.detectionName,
    severity: severityHint(alert.severity),
    target,
    when,
    insights: alert.insights.filter(present).map((key) => ({ key, text: humaniseInsight(key) })),
    techniques: alert.techniques.filter(present).map(techniqueRef),
    tactics: alert.tactics.filter(present),
    entities: alert.entities.map((e) => ({ type: e.type, text: entityText(e) })).filter((e) => present(e.text)),
    details: Object.entries(alert.details)
      .filter(([, v]) => present(v))
      .map(([label, value]) => ({ label, value })),
    links: links(alert, target, ctx),
    statusLine: describeStatus(alert, ctx.now),
    workspace: alert.workspace,
    facts,
    actions: viewActions(alert.id, alert.version, alert.status, present(alert.subject.upn)),
  };
  if (present(alert.description)) view.description = alert.description;
  if (who) view.who = who;
  if (what) view.what = what;
  if (source) view.source = source;
  if (priority !== undefined) view.investigationPriority = priority;
  return view;
}
