import { IncidentApiError } from '../../src/incidents/errors';
import { SENTINEL_API_VERSION } from '../../src/incidents/arm-client';
import { incidentsPath } from '../../src/incidents/types';
import { startIncidentRig, WS, type IncidentRig } from './support';

let now = new Date('2026-11-27T12:00:00.000Z');
const clock = (): Date => now;
const ID = 'a1b2c3d4-0000-4000-8000-000000000001';
let rig: IncidentRig;

async function failure(p: Promise<unknown>): Promise<IncidentApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IncidentApiError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

beforeEach(async () => {
  now = new Date('2026-11-27T12:00:00.000Z');
  rig = await startIncidentRig(clock, { pageSize: 2 });
  rig.seed(ID);
});
afterEach(() => rig.close());

describe('ArmIncidentsClient against the local Sentinel stand-in', () => {
  it('reads an incident with its etag and status over the ARM path and api-version', async () => {
    const incident = await rig.client().get(ID);
    expect(incident.name).toBe(ID);
    expect(incident.etag).toMatch(/^".+"$/);
    expect(incident.properties.status).toBe('New');
    const last = rig.server.requests[rig.server.requests.length - 1];
    expect(last.path).toBe(`${incidentsPath(WS)}/${ID}`);
  });

  it('answers an unknown incident as not-found with the service code', async () => {
    const err = await failure(rig.client().get('ffffffff-0000-4000-8000-000000000000'));
    expect(err.kind).toBe('not-found');
    expect(err.status).toBe(404);
    expect(err.code).toBe('NotFound');
  });

  it('answers an unknown workspace as not-found', async () => {
    const err = await failure(rig.client({ workspace: { ...WS, workspaceName: 'other' } }).get(ID));
    expect(err.kind).toBe('not-found');
    expect(err.code).toBe('ResourceNotFound');
  });

  it('lists changed incidents through every page (nextLink) with an OData filter', async () => {
    now = new Date('2026-11-27T12:05:00.000Z');
    for (let i = 2; i <= 6; i++) rig.seed(`a1b2c3d4-0000-4000-8000-00000000000${i}`);
    const all = await rig
      .client()
      .list({ filter: 'properties/lastModifiedTimeUtc gt 2026-11-27T12:01:00Z', orderBy: 'properties/lastModifiedTimeUtc asc' });
    expect(all.map((i) => i.name).sort()).toEqual([2, 3, 4, 5, 6].map((i) => `a1b2c3d4-0000-4000-8000-00000000000${i}`));
  });

  it('updates with the current etag, and refuses a stale one without changing anything', async () => {
    const client = rig.client();
    const read = await client.get(ID);
    const active = await client.update({
      name: ID,
      etag: read.etag,
      properties: { ...read.properties, status: 'Active', owner: { objectId: 'oid-alice', userPrincipalName: 'alice@contoso.com' } },
    });
    expect(active.properties.status).toBe('Active');
    expect(active.etag).not.toBe(read.etag);

    const err = await failure(
      client.update({
        name: ID,
        etag: read.etag,
        properties: { ...read.properties, status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData' },
      }),
    );
    expect(err.kind).toBe('conflict');
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/Newer version of resource/);
    expect((await client.get(ID)).properties.status).toBe('Active');
  });

  it('answers a stale If-Match alone with 412 PreconditionFailed (ARM) and an error body', async () => {
    const url = `${rig.origin}${incidentsPath(WS)}/${ID}?api-version=${SENTINEL_API_VERSION}`;
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': '"stale"' },
      body: JSON.stringify({ properties: { title: 't', severity: 'Low', status: 'Active' } }),
    });
    expect(res.status).toBe(412);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PreconditionFailed');
    expect((await rig.client().get(ID)).properties.status).toBe('New');
  });

  it('refuses to close without a classification, or with a reason that does not fit it', async () => {
    const client = rig.client();
    const read = await client.get(ID);
    const none = await failure(client.update({ name: ID, etag: read.etag, properties: { ...read.properties, status: 'Closed' } }));
    expect(none.kind).toBe('invalid');
    expect(none.message).toMatch(/requires a classification/);
    const wrong = await failure(
      client.update({
        name: ID,
        etag: read.etag,
        properties: { ...read.properties, status: 'Closed', classification: 'TruePositive', classificationReason: 'InaccurateData' },
      }),
    );
    expect(wrong.message).toMatch(/does not match classification/);
  });

  it('requires an api-version, as ARM does', async () => {
    const res = await fetch(`${rig.origin}${incidentsPath(WS)}/${ID}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
  });

  it('adds a comment once under its id, however often the write is repeated', async () => {
    const client = rig.client();
    await client.addComment(ID, 'fw-ack-1', 'Acknowledged in Teams by alice@contoso.com');
    await client.addComment(ID, 'fw-ack-1', 'Acknowledged in Teams by alice@contoso.com');
    const seen = rig.standIn.peek(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, ID);
    expect(seen?.comments.map((c) => c.properties.message)).toEqual(['Acknowledged in Teams by alice@contoso.com']);
    expect(seen?.incident.properties.additionalData?.commentsCount).toBe(1);
  });

  it('retries a throttled call (429) through the pipeline and then succeeds', async () => {
    rig.server.faults.next({ status: 429, retryAfterSeconds: 0 });
    expect((await rig.client().get(ID)).name).toBe(ID);
  });

  it('reports a persistent 503 as transient once retries are spent', async () => {
    rig.server.faults.next({ status: 503 }, 3);
    const err = await failure(rig.client({ maxRetries: 2 }).get(ID));
    expect(err.kind).toBe('transient');
  });

  it('sends the credential as a bearer token, and is refused without one', async () => {
    await rig.close();
    rig = await startIncidentRig(clock, { requireBearer: 'tok' });
    rig.seed(ID);
    const credential = { getToken: async () => ({ token: 'tok', expiresOnTimestamp: Date.now() + 3600_000 }) };
    expect((await rig.client({ credential }).get(ID)).name).toBe(ID);
    const err = await failure(rig.client().get(ID));
    expect(err.kind).toBe('forbidden');
    expect(err.status).toBe(401);
  });

  it('refuses ids that are not incident ids before sending anything', async () => {
    const before = rig.server.requests.length;
    const err = await failure(rig.client().get('../../x'));
    expect(err.kind).toBe('invalid');
    expect(rig.server.requests.length).toBe(before);
  });
});
