import type { AccessToken, TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { IncidentApiError, kindForStatus } from './errors';
import { incidentsPath, type Incident, type IncidentComment, type IncidentUpdate, type SentinelWorkspaceRef } from './types';

/** The stable Sentinel REST version carrying incidents, comments and etags. */
export const SENTINEL_API_VERSION = '2024-03-01';
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
const AUTHORIZATION_API_VERSION = '2022-04-01';

/** Control-plane actions granted at a scope (data actions are not FirstWatch's concern). */
export interface WorkspacePermission {
  actions: string[];
  notActions: string[];
}

export interface ListIncidentsOptions {
  /** OData, e.g. "properties/lastModifiedTimeUtc gt 2026-11-27T00:00:00Z". */
  filter?: string;
  orderBy?: string;
  /** Page size. */
  top?: number;
  /** Stop after this many incidents in all (default 1,000). */
  max?: number;
}

/** The calls FirstWatch makes on a workspace's Sentinel incidents. */
export interface SentinelIncidentsClient {
  get(incidentId: string): Promise<Incident>;
  list(options?: ListIncidentsOptions): Promise<Incident[]>;
  /** PUT with the etag read before: a stale etag throws IncidentApiError kind 'conflict' and changes nothing. */
  update(update: IncidentUpdate): Promise<Incident>;
  /** PUT of a comment under a caller-chosen id, so a retried write adds it once. */
  addComment(incidentId: string, commentId: string, message: string): Promise<IncidentComment>;
}

export interface ArmIncidentsClientOptions {
  workspace: SentinelWorkspaceRef;
  /** Default https://management.azure.com; the local workspace server for tests and `npm start`. */
  endpoint?: string;
  /** Default DefaultAzureCredential; a local endpoint may take none. */
  credential?: TokenCredential;
  /** A plain-http local stand-in: the SDK's bearer policy (https only) is replaced. */
  local?: boolean;
  /** Retries after the first attempt for 429/5xx/network (the pipeline's own policy); default 3. */
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  httpClient?: HttpClient;
}

const GUIDISH = /^[A-Za-z0-9-]{1,64}$/;

function checkId(what: string, id: string): void {
  if (typeof id !== 'string' || !GUIDISH.test(id))
    throw new IncidentApiError('invalid', `${what} must be 1-64 letters, digits or '-', got ${JSON.stringify(id)}`);
}

/** Sends a bearer token over plain http, for a local stand-in that checks one. */
function localBearerPolicy(credential: TokenCredential, scopes: string[]): PipelinePolicy {
  let cached: AccessToken | null = null;
  return {
    name: 'firstwatchLocalArmBearerPolicy',
    async sendRequest(request, next) {
      if (!cached || cached.expiresOnTimestamp - Date.now() < 60_000) cached = await credential.getToken(scopes);
      if (cached) request.headers.set('authorization', `Bearer ${cached.token}`);
      return next(request);
    },
  };
}

function parseJson(text: string | undefined, status: number): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new IncidentApiError(
      status >= 500 ? 'transient' : 'invalid',
      `the incidents API answered ${status} with a body that is not JSON`,
      status,
    );
  }
}

function errorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'object' && e !== null) {
      const { code, message } = e as Record<string, unknown>;
      return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
    }
  }
  return {};
}

function isIncident(v: unknown): v is Incident {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const p = r.properties as Record<string, unknown> | undefined;
  return (
    typeof r.name === 'string' &&
    typeof r.etag === 'string' &&
    typeof p === 'object' &&
    p !== null &&
    typeof p.status === 'string' &&
    typeof p.title === 'string'
  );
}

/**
 * A thin typed client for Sentinel's incident endpoints on Azure Resource
 * Manager, on @azure/core-rest-pipeline (retries, throttling, tracing) and
 * @azure/identity. The generated @azure/arm-securityinsight package has only
 * ever been published as a beta (latest 1.0.0-beta.6, no stable line); four calls
 * do not justify a beta dependency.
 */
export class ArmIncidentsClient implements SentinelIncidentsClient {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient;
  private readonly base: string;
  private readonly origin: string;
  private readonly local: boolean;

  constructor(options: ArmIncidentsClientOptions) {
    const endpoint = (options.endpoint ?? DEFAULT_ARM_ENDPOINT).replace(/\/$/, '');
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
    if (url.protocol === 'http:' && !options.local)
      throw new Error(`endpoint ${endpoint} is plain http: set local: true for a local stand-in`);
    const ws = options.workspace;
    for (const [k, v] of Object.entries(ws)) if (typeof v !== 'string' || v.trim() === '') throw new Error(`workspace.${k} is required`);
    this.local = options.local === true;
    this.origin = endpoint;
    this.base = endpoint + incidentsPath(ws);
    // The token audience is the ARM endpoint of the cloud (management.azure.com, management.usgovcloudapi.net, ...).
    const scopes = [`${this.local ? DEFAULT_ARM_ENDPOINT : url.origin}/.default`];
    this.pipeline = createPipelineFromOptions({
      retryOptions: {
        maxRetries: options.maxRetries ?? 3,
        retryDelayInMs: options.retryDelayMs,
        maxRetryDelayInMs: options.maxRetryDelayMs,
      },
      userAgentOptions: { userAgentPrefix: 'firstwatch' },
    });
    const credential = options.credential ?? (this.local ? undefined : new DefaultAzureCredential());
    if (credential) {
      this.pipeline.addPolicy(
        this.local ? localBearerPolicy(credential, scopes) : bearerTokenAuthenticationPolicy({ credential, scopes }),
        { phase: 'Sign' },
      );
    }
    this.httpClient = options.httpClient ?? createDefaultHttpClient();
  }

  async get(incidentId: string): Promise<Incident> {
    checkId('incidentId', incidentId);
    return this.incident(await this.send('GET', `${this.base}/${incidentId}`));
  }

  async list(options: ListIncidentsOptions = {}): Promise<Incident[]> {
    const max = options.max ?? 1000;
    const query = new URLSearchParams();
    if (options.filter) query.set('$filter', options.filter);
    if (options.orderBy) query.set('$orderby', options.orderBy);
    if (options.top) query.set('$top', String(options.top));
    let next: string | undefined = `${this.base}?${query.toString()}`;
    const out: Incident[] = [];
    while (next && out.length < max) {
      const page = (await this.send('GET', next)) as { value?: unknown; nextLink?: unknown } | undefined;
      if (!page || !Array.isArray(page.value)) throw new IncidentApiError('invalid', 'the incidents list has no "value" array');
      for (const item of page.value) out.push(this.incident(item));
      // nextLink is absolute and already carries api-version; it must stay on our endpoint.
      next = typeof page.nextLink === 'string' && page.nextLink.startsWith(this.origin) ? page.nextLink : undefined;
    }
    return out.slice(0, max);
  }

  async update(update: IncidentUpdate): Promise<Incident> {
    checkId('incidentId', update.name);
    if (!update.etag) throw new IncidentApiError('invalid', 'an update needs the etag read with the incident');
    // Sentinel's documented precondition is the etag in the body (a stale one: 409 Conflict);
    // a 412 from an ARM front end that reads If-Match is handled the same way (kindForStatus).
    const body = { etag: update.etag, properties: update.properties };
    return this.incident(await this.send('PUT', `${this.base}/${update.name}`, body));
  }

  async addComment(incidentId: string, commentId: string, message: string): Promise<IncidentComment> {
    checkId('incidentId', incidentId);
    checkId('commentId', commentId);
    if (typeof message !== 'string' || message.trim() === '') throw new IncidentApiError('invalid', 'a comment needs a message');
    const out = (await this.send('PUT', `${this.base}/${incidentId}/comments/${commentId}`, { properties: { message } })) as
      IncidentComment | undefined;
    if (!out || typeof out.name !== 'string') throw new IncidentApiError('invalid', 'the comment answer has no name');
    return out;
  }

  /**
   * What the calling identity may do on the workspace, from all its role assignments
   * (GET {workspace}/providers/Microsoft.Authorization/permissions): for `doctor`.
   */
  async workspacePermissions(): Promise<WorkspacePermission[]> {
    const scope = this.base.replace(/\/providers\/Microsoft\.SecurityInsights\/incidents$/, '');
    const url = `${scope}/providers/Microsoft.Authorization/permissions?api-version=${AUTHORIZATION_API_VERSION}`;
    const page = (await this.send('GET', url)) as { value?: unknown } | undefined;
    if (!page || !Array.isArray(page.value)) throw new IncidentApiError('invalid', 'the permissions answer has no "value" array');
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
    return page.value.map((p: unknown) => {
      const r = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
      return { actions: strings(r.actions), notActions: strings(r.notActions) };
    });
  }

  private incident(v: unknown): Incident {
    if (!isIncident(v)) throw new IncidentApiError('invalid', 'the incidents API answered with something that is not an incident');
    return v;
  }

  private async send(method: HttpMethods, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const full = new URL(url);
    if (!full.searchParams.has('api-version')) full.searchParams.set('api-version', SENTINEL_API_VERSION);
    const request = createPipelineRequest({ url: full.toString(), method, allowInsecureConnection: this.local });
    request.headers.set('accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
    if (body !== undefined) {
      request.headers.set('content-type', 'application/json');
      request.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== undefined) throw new IncidentApiError(kindForStatus(status), (err as Error).message, status);
      throw new IncidentApiError('transient', `the incidents API could not be reached: ${(err as Error).message}`);
    }
    const parsed = parseJson(response.bodyAsText ?? undefined, response.status);
    if (response.status >= 200 && response.status < 300) return parsed;
    const { code, message } = errorOf(parsed);
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new IncidentApiError(
      kindForStatus(response.status),
      `${method} incident: HTTP ${response.status} ${code ?? ''}: ${message ?? 'no message'}`.replace('  ', ' '),
      response.status,
      code,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}
