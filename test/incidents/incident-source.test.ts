import { SENTINEL_INCIDENT_DETECTION_ID } from '../../src/alerts/incident-origin';
import { FOLLOW_ALL } from '../../src/incidents/incident-filter';
import { IncidentSource } from '../../src/incidents/incident-source';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { RUN_COMMAND_RULE, SIGNIN_BURST_RULE } from '../../src/workspace/sample-data/incidents';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';
import { TestClock } from '../store/fixtures';
import { newAlert } from '../support/alert-builder';

/** The source against the sample workspace's SecurityIncident rows, through the real LogsQueryClient, with a clock the test moves. */
describe("incidents of FirstWatch's own rules when both sources are on", () => {
  let ws: LocalWorkspace;
  let clock: TestClock;
  let store: SqliteStore;

  beforeAll(async () => {
    ws = await startLocalWorkspace();
  }, 120_000);
  afterAll(async () => ws.close());
  beforeEach(() => {
    clock = new TestClock(ws.now.getTime());
    store = new SqliteStore(':memory:', { clock: clock.now });
  });
  afterEach(async () => store.close());

  const source = (mode: 'both' | 'incidents' = 'both') =>
    new IncidentSource({
      workspace: { name: 'local', source: ws.source, targets: [{ platform: 'console', target: 'console' }] },
      store,
      mode,
      filter: FOLLOW_ALL,
      ownRuleIds: new Set([RUN_COMMAND_RULE.id, SIGNIN_BURST_RULE.id]),
      clock: clock.now,
      overlapMs: 10 * 60_000,
      firstRunLookbackMs: 24 * 3_600_000,
      linkWaitMs: 30 * 60_000,
    });

  it('wait for its alert with the watermark held before them (a restart reads them again), then are posted themselves', async () => {
    const first = await source().runOnce();
    const count = first.waiting;
    expect(count).toBeGreaterThan(0);
    expect(first.posted).toHaveLength(0);
    const held = await store.getWatermark('local', SENTINEL_INCIDENT_DETECTION_ID);
    expect(held?.getTime()).toBeLessThan(clock.now().getTime());

    // A new process (nothing in memory) still sees them: they were not read past.
    clock.advance(60_000);
    const restarted = source();
    expect((await restarted.runOnce()).waiting).toBe(count);

    // FirstWatch's own run never raised them: after the wait, each hit is shown once, by its incident.
    clock.advance(31 * 60_000);
    const late = await restarted.runOnce();
    expect(late.posted).toHaveLength(count);
    expect((await restarted.runOnce()).posted).toHaveLength(0);
    for (const alert of late.posted) expect(await store.alertForIncident('local', alert.fingerprint)).toBe(alert.id);
  });

  it("links an alert whose incident link a crash prevented (stored, not linked), on the next process's first pass", async () => {
    const name = '5e3f0a51-8a4c-4d8e-9f0b-1c2d3e4f5a6b';
    const [stored] = await store.recordPoll({
      workspace: 'local',
      detectionId: SENTINEL_INCIDENT_DETECTION_ID,
      watermark: clock.now(),
      alerts: [newAlert(1, { detectionId: SENTINEL_INCIDENT_DETECTION_ID, fingerprint: name, workspace: 'local' })],
      targets: [],
    });
    expect(await store.getIncidentLink(stored?.id as string)).toBeUndefined();
    await source('incidents').runOnce();
    expect(await store.alertForIncident('local', name)).toBe(stored?.id);
  });
});
