import { randomUUID } from 'node:crypto';
import type { Clock } from '../../time/clock';
import {
  INCIDENT_CLASSIFICATIONS,
  INCIDENT_CLASSIFICATION_REASONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  REASONS_FOR,
  type Incident,
  type IncidentComment,
  type IncidentProperties,
} from '../../incidents/types';
import { HttpError } from './errors';

/**
 * The local stand-in for Sentinel's incident endpoints on Azure Resource Manager
 * (Microsoft.SecurityInsights/incidents and their comments), shaped as the
 * service answers: ARM error bodies, `etag` on every incident, a stale etag in
 * the body refused with 409 Conflict ("Newer version of resource ... exists")
 * and a stale `If-Match` with 412 PreconditionFailed, both changing nothing.
 * `portal` edits incidents as an analyst in the Sentinel portal would.
 */

export const SUPPORTED_API_VERSIONS = ['2023-02-01', '2024-03-01', '2024-09-01', '2025-01-01-preview'];

const INCIDENTS_PATH =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.operationalinsights\/workspaces\/([^/]+)\/providers\/microsoft\.securityinsights\/incidents(?:\/([^/]+)(?:\/(comments)(?:\/([^/]+))?)?)?\/?$/i;

const PERMISSIONS_PATH =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.operationalinsights\/workspaces\/([^/]+)\/providers\/microsoft\.authorization\/permissions\/?$/i;
const AUTHORIZATION_API_VERSIONS = ['2015-07-01', '2018-07-01', '2022-04-01'];

/** One entry of ARM's "permissions" answer: what the caller may do at a scope, from all its role assignments. */
export interface ArmPermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** The built-in Microsoft Sentinel Responder role's control-plane actions (role 3e150937-b8fe-4cfb-8069-0eaf05ecd056). */
export const SENTINEL_RESPONDER: ArmPermission = {
  actions: [
    'Microsoft.SecurityInsights/*/read',
    'Microsoft.SecurityInsights/dataConnectorsCheckRequirements/action',
    'Microsoft.SecurityInsights/automationRules/*',
    'Microsoft.SecurityInsights/cases/*',
    'Microsoft.SecurityInsights/incidents/*',
    'Microsoft.SecurityInsights/entities/runPlaybook/action',
    'Microsoft.SecurityInsights/threatIntelligence/indicators/appendTags/action',
    'Microsoft.SecurityInsights/threatIntelligence/indicators/query/action',
    'Microsoft.SecurityInsights/bookmarks/expand/action',
    'Microsoft.OperationalInsights/workspaces/analytics/query/action',
    'Microsoft.OperationalInsights/workspaces/*/read',
    'Microsoft.OperationalInsights/workspaces/dataSources/read',
    'Microsoft.OperationalInsights/workspaces/savedSearches/read',
    'Microsoft.OperationsManagement/solutions/read',
    'Microsoft.OperationalInsights/workspaces/query/read',
    'Microsoft.OperationalInsights/workspaces/query/*/read',
    'Microsoft.Insights/workbooks/read',
    'Microsoft.Insights/myworkbooks/read',
    'Microsoft.Authorization/*/read',
    'Microsoft.Resources/deployments/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    'Microsoft.Support/*',
  ],
  notActions: ['Microsoft.SecurityInsights/cases/*/Delete', 'Microsoft.SecurityInsights/incidents/*/Delete'],
  dataActions: [],
  notDataActions: [],
};

export interface ArmRequest {
  method: string;
  /** scheme://host:port the request came to, for absolute nextLinks. */
  origin: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ArmResponse {
  status: number;
  body: unknown;
}

interface Stored {
  incident: Incident;
  comments: Map<string, IncidentComment>;
}

function newEtag(): string {
  return `"${randomUUID()}"`;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): v is T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v);
}

function validateProperties(p: unknown): IncidentProperties {
  if (typeof p !== 'object' || p === null) throw new HttpError(400, 'BadRequest', "The request body needs 'properties'.");
  const r = p as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r.title !== 'string' || r.title.trim() === '') problems.push("'properties.title' is required.");
  if (!oneOf(r.severity, INCIDENT_SEVERITIES)) problems.push(`'properties.severity' must be one of ${INCIDENT_SEVERITIES.join(', ')}.`);
  if (!oneOf(r.status, INCIDENT_STATUSES)) problems.push(`'properties.status' must be one of ${INCIDENT_STATUSES.join(', ')}.`);
  if (r.classification != null && !oneOf(r.classification, INCIDENT_CLASSIFICATIONS))
    problems.push(`'properties.classification' must be one of ${INCIDENT_CLASSIFICATIONS.join(', ')}.`);
  if (r.classificationReason != null && !oneOf(r.classificationReason, INCIDENT_CLASSIFICATION_REASONS)) {
    problems.push(`'properties.classificationReason' must be one of ${INCIDENT_CLASSIFICATION_REASONS.join(', ')}.`);
  }
  if (r.status === 'Closed' && r.classification == null) problems.push('Closing an incident requires a classification.');
  if (
    oneOf(r.classification, INCIDENT_CLASSIFICATIONS) &&
    r.classificationReason != null &&
    !REASONS_FOR[r.classification].includes(r.classificationReason as never)
  ) {
    problems.push(`Classification reason ${String(r.classificationReason)} does not match classification ${r.classification}.`);
  }
  if (problems.length > 0) throw new HttpError(400, 'BadRequest', problems.join(' '));
  return r as unknown as IncidentProperties;
}

function parseJsonBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'InvalidRequestContent', 'The request content must be a JSON object.');
  return body as Record<string, unknown>;
}

/** The OData filters FirstWatch sends; anything else is refused rather than ignored. */
function filterFor(filter: string | null): (i: Incident) => boolean {
  if (!filter) return () => true;
  const m = /^properties\/(lastModifiedTimeUtc|createdTimeUtc)\s+(gt|ge)\s+(\S+)$/i.exec(filter.trim());
  if (!m) throw new HttpError(400, 'BadRequest', `Unsupported $filter: ${filter}`);
  const at = Date.parse(m[3]);
  if (Number.isNaN(at)) throw new HttpError(400, 'BadRequest', `Invalid datetime in $filter: ${m[3]}`);
  const field = m[1].toLowerCase() === 'createdtimeutc' ? 'createdTimeUtc' : 'lastModifiedTimeUtc';
  return (i) => {
    const t = Date.parse(i.properties[field] ?? '');
    return m[2].toLowerCase() === 'gt' ? t > at : t >= at;
  };
}

export class SentinelIncidentStandIn {
  /** Keyed by the lower-cased workspace ARM path, then incident name. */
  private readonly workspaces = new Map<string, Map<string, Stored>>();
  /** What every successful write did, oldest first, for tests ("written once"). */
  readonly writes: { method: string; path: string; status: number }[] = [];
  private readonly pageSize: number;
  /** What the caller's role assignments grant on each workspace (default: Microsoft Sentinel Responder). */
  private readonly permissions = new Map<string, ArmPermission[]>();
  /** Runs after an incident was read over HTTP: a test's analyst editing it in the portal meanwhile. */
  onRead?: (incidentName: string) => void;

  constructor(
    private readonly clock: Clock,
    options: { pageSize?: number } = {},
  ) {
    this.pageSize = options.pageSize ?? 50;
  }

  /** Makes a workspace known (ARM answers 404 for any other). */
  addWorkspace(subscriptionId: string, resourceGroup: string, workspaceName: string): void {
    this.workspaces.set(this.key(subscriptionId, resourceGroup, workspaceName), new Map());
  }

  /** The permissions ARM reports for the caller on a workspace: [] is an identity with no role there. */
  setPermissions(subscriptionId: string, resourceGroup: string, workspaceName: string, permissions: ArmPermission[]): void {
    this.workspace(subscriptionId, resourceGroup, workspaceName);
    this.permissions.set(this.key(subscriptionId, resourceGroup, workspaceName), clone(permissions));
  }

  /** Stores an incident as Sentinel would have raised it; returns it with its etag. */
  seed(subscriptionId: string, resourceGroup: string, workspaceName: string, name: string, properties: IncidentProperties): Incident {
    const ws = this.workspace(subscriptionId, resourceGroup, workspaceName);
    const now = this.clock().toISOString();
    const incident: Incident = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName}/providers/Microsoft.SecurityInsights/Incidents/${name}`,
      name,
      type: 'Microsoft.SecurityInsights/Incidents',
      etag: newEtag(),
      properties: { createdTimeUtc: now, lastModifiedTimeUtc: now, ...clone(properties) },
    };
    ws.set(name.toLowerCase(), { incident, comments: new Map() });
    return clone(incident);
  }

  /** An analyst's change in the Sentinel portal: applied as is, new etag, new lastModifiedTimeUtc. */
  portalEdit(
    subscriptionId: string,
    resourceGroup: string,
    workspaceName: string,
    name: string,
    change: Partial<IncidentProperties>,
  ): Incident {
    const stored = this.workspace(subscriptionId, resourceGroup, workspaceName).get(name.toLowerCase());
    if (!stored) throw new Error(`no incident ${name}`);
    stored.incident.properties = { ...stored.incident.properties, ...clone(change), lastModifiedTimeUtc: this.clock().toISOString() };
    stored.incident.etag = newEtag();
    return clone(stored.incident);
  }

  peek(
    subscriptionId: string,
    resourceGroup: string,
    workspaceName: string,
    name: string,
  ): { incident: Incident; comments: IncidentComment[] } | undefined {
    const stored = this.workspace(subscriptionId, resourceGroup, workspaceName).get(name.toLowerCase());
    return stored && { incident: clone(stored.incident), comments: [...stored.comments.values()].map(clone) };
  }

  /** True when the path is one of ours (then `handle` answers it). */
  matches(path: string): boolean {
    return INCIDENTS_PATH.test(path) || PERMISSIONS_PATH.test(path);
  }

  handle(req: ArmRequest): ArmResponse {
    if (PERMISSIONS_PATH.test(req.path)) return this.permissionsOf(req);
    const m = INCIDENTS_PATH.exec(req.path);
    if (!m) throw new HttpError(404, 'InvalidResourceType', `The resource type could not be found for ${req.path}.`);
    const version = req.query.get('api-version');
    if (!version)
      throw new HttpError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    if (!SUPPORTED_API_VERSIONS.includes(version)) {
      throw new HttpError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${version}' is invalid. The supported versions are '${SUPPORTED_API_VERSIONS.join(',')}'.`,
      );
    }
    const [sub, rg, wsName, incidentName, comments, commentName] = m
      .slice(1)
      .map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
    const ws = this.workspaces.get(this.key(sub as string, rg as string, wsName as string));
    if (!ws) {
      throw new HttpError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.OperationalInsights/workspaces/${wsName}' under resource group '${rg}' was not found.`,
      );
    }
    if (incidentName === undefined) {
      if (req.method !== 'GET')
        throw new HttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      return this.list(ws, req);
    }
    const stored = ws.get(incidentName.toLowerCase());
    if (comments === undefined) {
      if (req.method === 'GET') {
        if (!stored) throw this.notFound(incidentName);
        const body = clone(stored.incident);
        this.onRead?.(stored.incident.name);
        return { status: 200, body };
      }
      if (req.method === 'PUT') return this.put(req, ws, stored, sub as string, rg as string, wsName as string, incidentName);
      throw new HttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    }
    if (!stored) throw this.notFound(incidentName);
    if (commentName === undefined) {
      if (req.method !== 'GET')
        throw new HttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      return { status: 200, body: { value: [...stored.comments.values()].map(clone) } };
    }
    if (req.method === 'GET') {
      const c = stored.comments.get(commentName.toLowerCase());
      if (!c) throw new HttpError(404, 'NotFound', `Comment ${commentName} was not found.`);
      return { status: 200, body: clone(c) };
    }
    if (req.method !== 'PUT')
      throw new HttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    const body = parseJsonBody(req.body);
    const message = (body.properties as Record<string, unknown> | undefined)?.message;
    if (typeof message !== 'string' || message.trim() === '') throw new HttpError(400, 'BadRequest', "'properties.message' is required.");
    if (message.length > 30_000) throw new HttpError(400, 'BadRequest', "'properties.message' is longer than 30000 characters.");
    const existed = stored.comments.get(commentName.toLowerCase());
    const comment: IncidentComment = {
      id: `${stored.incident.id}/Comments/${commentName}`,
      name: commentName,
      properties: {
        message,
        createdTimeUtc: existed?.properties.createdTimeUtc ?? this.clock().toISOString(),
        author: { name: 'FirstWatch' },
      },
    };
    stored.comments.set(commentName.toLowerCase(), comment);
    if (!existed) {
      const data = (stored.incident.properties.additionalData ??= {});
      data.commentsCount = (data.commentsCount ?? 0) + 1;
    }
    this.writes.push({ method: 'PUT', path: req.path, status: existed ? 200 : 201 });
    return { status: existed ? 200 : 201, body: clone(comment) };
  }

  private put(
    req: ArmRequest,
    ws: Map<string, Stored>,
    stored: Stored | undefined,
    sub: string,
    rg: string,
    wsName: string,
    name: string,
  ): ArmResponse {
    const body = parseJsonBody(req.body);
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    if (stored && ifMatch !== undefined && ifMatch !== '*' && ifMatch !== stored.incident.etag) {
      throw new HttpError(412, 'PreconditionFailed', `The etag '${ifMatch}' does not match the current etag of incident '${name}'.`);
    }
    if (stored && typeof body.etag === 'string' && body.etag !== stored.incident.etag) {
      throw new HttpError(409, 'Conflict', `Newer version of resource '${name}' exists. Data was not saved`);
    }
    const properties = validateProperties(body.properties);
    if (!stored) {
      this.seed(sub, rg, wsName, name, properties);
      this.writes.push({ method: 'PUT', path: req.path, status: 201 });
      return { status: 201, body: clone((ws.get(name.toLowerCase()) as Stored).incident) };
    }
    // Server-managed fields stay the service's; the writable ones are replaced.
    const kept = stored.incident.properties;
    stored.incident.properties = {
      ...kept,
      title: properties.title,
      severity: properties.severity,
      status: properties.status,
      description: properties.description ?? kept.description,
      classification: properties.classification ?? null,
      classificationReason: properties.classificationReason ?? null,
      classificationComment: properties.classificationComment ?? null,
      owner: properties.owner ?? kept.owner,
      labels: properties.labels ?? kept.labels,
      lastModifiedTimeUtc: this.clock().toISOString(),
    };
    stored.incident.etag = newEtag();
    this.writes.push({ method: 'PUT', path: req.path, status: 200 });
    return { status: 200, body: clone(stored.incident) };
  }

  private list(ws: Map<string, Stored>, req: ArmRequest): ArmResponse {
    const query = req.query;
    const keep = filterFor(query.get('$filter'));
    const order = query.get('$orderby');
    let items = [...ws.values()].map((s) => s.incident).filter(keep);
    if (order) {
      const m = /^properties\/(lastModifiedTimeUtc|createdTimeUtc)(?:\s+(asc|desc))?$/i.exec(order.trim());
      if (!m) throw new HttpError(400, 'BadRequest', `Unsupported $orderby: ${order}`);
      const field = m[1].toLowerCase() === 'createdtimeutc' ? 'createdTimeUtc' : 'lastModifiedTimeUtc';
      const dir = (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
      items = items.sort((a, b) => dir * (Date.parse(a.properties[field] ?? '') - Date.parse(b.properties[field] ?? '')));
    }
    const topText = query.get('$top');
    const top = topText === null ? this.pageSize : Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > 1000)
      throw new HttpError(400, 'BadRequest', `$top must be an integer 1..1000, got ${topText}`);
    const skip = Number(query.get('$skipToken') ?? '0');
    const page = items.slice(skip, skip + top);
    const next = new URLSearchParams(query);
    next.set('$skipToken', String(skip + top));
    return {
      status: 200,
      body: { value: page.map(clone), ...(skip + top < items.length ? { nextLink: `${req.origin}${req.path}?${next.toString()}` } : {}) },
    };
  }

  /** GET {workspace}/providers/Microsoft.Authorization/permissions, as ARM answers it. */
  private permissionsOf(req: ArmRequest): ArmResponse {
    const m = PERMISSIONS_PATH.exec(req.path) as RegExpExecArray;
    const version = req.query.get('api-version');
    if (!version || !AUTHORIZATION_API_VERSIONS.includes(version)) {
      throw new HttpError(
        400,
        version ? 'InvalidApiVersionParameter' : 'MissingApiVersionParameter',
        `The api-version '${version ?? ''}' is invalid. The supported versions are '${AUTHORIZATION_API_VERSIONS.join(',')}'.`,
      );
    }
    if (req.method !== 'GET')
      throw new HttpError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    const [sub, rg, wsName] = m.slice(1, 4).map((s) => decodeURIComponent(s as string)) as [string, string, string];
    const key = this.key(sub, rg, wsName);
    if (!this.workspaces.has(key)) {
      throw new HttpError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.OperationalInsights/workspaces/${wsName}' under resource group '${rg}' was not found.`,
      );
    }
    return { status: 200, body: { value: clone(this.permissions.get(key) ?? [SENTINEL_RESPONDER]) } };
  }

  private notFound(name: string): HttpError {
    return new HttpError(404, 'NotFound', `Incident '${name}' was not found.`);
  }

  private key(sub: string, rg: string, ws: string): string {
    return `${sub}/${rg}/${ws}`.toLowerCase();
  }

  private workspace(sub: string, rg: string, ws: string): Map<string, Stored> {
    const found = this.workspaces.get(this.key(sub, rg, ws));
    if (!found) throw new Error(`workspace ${sub}/${rg}/${ws} is not known to the stand-in; addWorkspace first`);
    return found;
  }
}
