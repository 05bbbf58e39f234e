import type { Actor, Alert } from '../../src/alerts/types';
import type { SentinelIncidentsClient } from '../../src/incidents/arm-client';
import { commentId, writeBack } from '../../src/incidents/write-back';
import { storedAlert } from '../support/alert-builder';
import { startIncidentRig, WS, type IncidentRig } from './support';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const INCIDENT = 'a1b2c3d4-0000-4000-8000-0000000000aa';
const ALICE_TEAMS: Actor = {
  platform: 'teams',
  id: '9f1c2b6e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  displayName: 'Alice',
  email: 'alice@contoso.com',
};
const BOB_SLACK: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob', email: 'bob@contoso.com' };
let rig: IncidentRig;

function acknowledged(by: Actor, version = 2): Alert {
  return storedAlert(1, { status: 'acknowledged', version, lastChange: { action: 'acknowledge', actor: by, at: NOW } });
}
function resolvedFp(by: Actor, version = 3, note?: string): Alert {
  return storedAlert(1, {
    status: 'resolved',
    classification: 'false_positive',
    version,
    lastChange: { action: 'resolve', actor: by, at: NOW, classification: 'false_positive', note },
  });
}
const peek = () => rig.standIn.peek(WS.subscriptionId, WS.resourceGroup, WS.workspaceName, INCIDENT);

beforeEach(async () => {
  rig = await startIncidentRig(() => NOW);
  rig.seed(INCIDENT);
});
afterEach(() => rig.close());

describe('writing chat decisions back to the Sentinel incident', () => {
  it('acknowledging in Teams sets the incident Active, the responder as owner, and a comment naming who and where', async () => {
    const out = await writeBack(rig.client(), INCIDENT, acknowledged(ALICE_TEAMS));
    expect(out.kind).toBe('written');
    const seen = peek();
    expect(seen?.incident.properties.status).toBe('Active');
    expect(seen?.incident.properties.owner).toMatchObject({ objectId: ALICE_TEAMS.id, userPrincipalName: 'alice@contoso.com' });
    expect(seen?.comments.map((c) => c.properties.message)).toEqual([
      expect.stringMatching(/^Acknowledged in Teams by alice@contoso\.com/),
    ]);
  });

  it('resolving as false positive closes it with the classification, its reason and who did it', async () => {
    await writeBack(rig.client(), INCIDENT, resolvedFp(BOB_SLACK));
    const p = peek()?.incident.properties;
    expect(p).toMatchObject({ status: 'Closed', classification: 'FalsePositive', classificationReason: 'IncorrectAlertLogic' });
    expect(p?.classificationComment).toMatch(/^Resolved in Slack by bob@contoso\.com as FalsePositive/);
    expect(p?.owner?.userPrincipalName).toBe('bob@contoso.com');
  });

  it('shows a responder note as text, never as markup, in Sentinel', async () => {
    await writeBack(rig.client(), INCIDENT, resolvedFp(BOB_SLACK, 3, '<img src=x onerror=alert(1)> test VM'));
    const msg = peek()?.comments[0].properties.message ?? '';
    expect(msg).toContain('&lt;img src=x onerror=alert(1)&gt; test VM');
    expect(msg).not.toContain('<img');
  });

  it('reconciles a stale etag: the portal change made meanwhile is kept and ours applied on top', async () => {
    const client = rig.client();
    // The portal raises the severity between our read and our write.
    let once = true;
    const racing: SentinelIncidentsClient = {
      get: async (id) => {
        const read = await client.get(id);
        if (once) {
          once = false;
          rig.portal(INCIDENT, { severity: 'High' });
        }
        return read;
      },
      list: (o) => client.list(o),
      update: (u) => client.update(u),
      addComment: (i, c, m) => client.addComment(i, c, m),
    };
    const out = await writeBack(racing, INCIDENT, acknowledged(ALICE_TEAMS));
    expect(out).toMatchObject({ kind: 'written', conflicts: 1 });
    expect(peek()?.incident.properties).toMatchObject({ status: 'Active', severity: 'High' });
    expect(rig.standIn.writes.filter((w) => w.status === 200 && !w.path.includes('/comments/'))).toHaveLength(1);
  });

  it('does not reopen an incident closed in the portal when chat acknowledges late, and says so', async () => {
    rig.portal(INCIDENT, { status: 'Closed', classification: 'BenignPositive', classificationReason: 'SuspiciousButExpected' });
    const out = await writeBack(rig.client(), INCIDENT, acknowledged(ALICE_TEAMS));
    expect(out).toMatchObject({ kind: 'superseded', reason: 'portal-closed' });
    expect(peek()?.incident.properties.status).toBe('Closed');
    expect(peek()?.comments).toHaveLength(1);
  });

  it('reopens its own earlier close when the alert was reopened and acknowledged before the writer ran', async () => {
    await writeBack(rig.client(), INCIDENT, resolvedFp(BOB_SLACK, 3));
    const out = await writeBack(rig.client(), INCIDENT, acknowledged(ALICE_TEAMS, 5));
    expect(out.kind).toBe('written');
    expect(peek()?.incident.properties).toMatchObject({ status: 'Active', classification: null, owner: { objectId: ALICE_TEAMS.id } });
  });

  it('writes once however often the same alert version is written back (a replay after a crash)', async () => {
    const alert = resolvedFp(BOB_SLACK);
    await writeBack(rig.client(), INCIDENT, alert);
    const second = await writeBack(rig.client(), INCIDENT, alert);
    expect(second.kind).toBe('unchanged');
    const writes = rig.standIn.writes;
    expect(writes.filter((w) => !w.path.includes('/comments/'))).toHaveLength(1);
    expect(writes.filter((w) => w.path.endsWith(`/comments/${commentId(alert)}`)).map((w) => w.status)).toEqual([201, 200]);
    expect(peek()?.comments).toHaveLength(1);
  });

  it('gives up after repeated conflicts with the conflict error, for the outbox to retry', async () => {
    const client = rig.client();
    let edits = 0;
    const alwaysRacing: SentinelIncidentsClient = {
      get: async (id) => {
        const read = await client.get(id);
        rig.portal(INCIDENT, { description: `edit ${++edits}` });
        return read;
      },
      list: (o) => client.list(o),
      update: (u) => client.update(u),
      addComment: (i, c, m) => client.addComment(i, c, m),
    };
    await expect(writeBack(alwaysRacing, INCIDENT, acknowledged(ALICE_TEAMS), { maxConflicts: 2 })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(peek()?.incident.properties.status).toBe('New');
  });
});
