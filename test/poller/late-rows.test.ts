/**
 * Late rows through the real LogsQueryClient and the local workspace, with the default
 * settings: every row up to the look-back alerts exactly once; a later one is said out loud.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { toAlertView } from '../../src/cards';
import { loadConfig } from '../../src/config';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { formatReport, runDoctorFromEnv } from '../../src/doctor';
import { createLogger } from '../../src/logging/logger';
import { Metrics } from '../../src/observability/metrics';
import { observePollFindings } from '../../src/observability/poll-findings';
import { Poller, type PollOutcome } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { firstTimeRunCommand, startHandMadeWorkspace, type HandMadeWorkspace, type HandRow } from '../support/hand-made-workspace';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ROOT = path.join(__dirname, '../..');
const runCommand = loadDetections(path.join(ROOT, 'detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;
const defaults = loadConfig({}, { envFile: false }).schedule;

/** The first poll; then one an hour. */
const T0 = new Date('2026-11-27T12:00:00Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

/** user → [how late, when it reached the workspace] */
const CASES: Record<string, [number, Date]> = {
  'late1h@contoso.com': [1 * HOUR, at(30 * MINUTE)],
  'late8h@contoso.com': [8 * HOUR, at(90 * MINUTE)],
  'late26h@contoso.com': [26 * HOUR, at(130 * MINUTE)],
  'late47h@contoso.com': [47 * HOUR, at(170 * MINUTE)],
};
/** Later than queryPeriod (1h) + the default allowance (48h). The second reaches the workspace inside the overlap of two runs' windows. */
const TOO_LATE: Array<[string, number, Date]> = [
  ['late60h@contoso.com', 60 * HOUR, at(105 * MINUTE)],
  ['late72h@contoso.com', 72 * HOUR, at(175 * MINUTE)],
];

function rows(): HandRow[] {
  const all = Object.entries(CASES).map(([upn, [late, ingested]]) =>
    firstTimeRunCommand(`rec-${upn}`, upn, new Date(ingested.getTime() - late), ingested),
  );
  for (const [upn, late, ingested] of TOO_LATE)
    all.push(firstTimeRunCommand(`rec-${upn}`, upn, new Date(ingested.getTime() - late), ingested));
  return all;
}

function logs(): { logger: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return {
    logger: createLogger('info', out),
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('late rows with the default settings', () => {
  let ws: HandMadeWorkspace;
  let store: SqliteStore;
  let clock: Date;

  beforeAll(async () => {
    ws = await startHandMadeWorkspace({ BehaviorAnalytics: rows() }, { name: 'hand', clock: () => clock });
  });
  afterAll(async () => {
    await ws.close();
  });
  beforeEach(() => {
    store = openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  /** Hourly polls from T0 to T0 + 4h, as the schedule would run them. */
  async function pollHourly(mode: 'count' | 'alert', logger = createLogger('silent')): Promise<PollOutcome[]> {
    const poller = new Poller({
      store,
      workspaces: [{ name: 'hand', source: ws.source, targets: [] }],
      logger,
      clock: () => clock,
      overlapMs: defaults.pollOverlapMs,
      delayAllowanceMs: defaults.ingestionDelayAllowanceMs,
      lateRows: { mode, scanMs: defaults.lateRowScanMs },
    });
    const outcomes: PollOutcome[] = [];
    for (let h = 0; h <= 4; h++) {
      clock = at(h * HOUR);
      const [outcome] = await poller.runDetection(runCommand);
      expect(outcome?.ok).toBe(true);
      outcomes.push(outcome as PollOutcome);
    }
    return outcomes;
  }

  it("the default look-back covers 48 hours of lateness beyond the rule's period", () => {
    expect(defaults.ingestionDelayAllowanceMs).toBe(48 * HOUR);
    expect(defaults.lateRows).toBe('count');
  });

  it('rows 1 h, 8 h, 26 h and 47 h late each alert exactly once; rows 60 h and 72 h late are counted once each, logged and exposed, not alerted', async () => {
    const log = logs();
    const outcomes = await pollHourly('count', log.logger);
    const alerted = outcomes.flatMap((o) => o.created.map((a) => a.subject.upn));
    expect(alerted.sort()).toEqual(Object.keys(CASES).sort());
    expect(await store.listAlerts({ status: 'all', limit: 100 })).toHaveLength(4);
    // Each alert carries both times, read back from the store; the card says how late the activity was reported.
    for (const stored of await store.listAlerts({ status: 'all', limit: 100 })) {
      const [late, ingested] = CASES[stored.subject.upn as string] as [number, Date];
      expect(stored.ingestionTime).toEqual(ingested);
      expect(stored.eventTime).toEqual(new Date(ingested.getTime() - late));
      expect(toAlertView(stored, { now: clock }).when.delay).toBe(`event ${late / HOUR} h before it reached the workspace`);
    }

    // Ingested at T0 + 1h45m and T0 + 2h55m: counted by the runs at T0 + 2h and T0 + 3h, and the
    // second not again by the run at T0 + 4h, although its window reaches back over it (the overlap).
    expect(outcomes.map((o) => o.late?.hits)).toEqual([0, 0, 1, 1, 0]);
    const warned = log
      .lines()
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('hits among rows that arrived later than the look-back'));
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatchObject({ detection: runCommand.slug, workspace: 'hand', lateHits: 1, alerting: false });

    const metrics = new Metrics({ defaultMetrics: false });
    for (const o of outcomes) observePollFindings(metrics, runCommand.slug, [o]);
    expect((await metrics.render()).body).toContain(
      `firstwatch_late_hits_total{detection="${runCommand.slug}",workspace="hand",alerted="false"} 2`,
    );
  }, 60_000);

  it('with LATE_ROWS=alert the 60 h and 72 h rows alert too, exactly once, and so does every other', async () => {
    const outcomes = await pollHourly('alert');
    const alerted = outcomes.flatMap((o) => o.created.map((a) => a.subject.upn));
    expect(alerted.sort()).toEqual([...Object.keys(CASES), ...TOO_LATE.map(([upn]) => upn)].sort());
    expect(outcomes.map((o) => o.late)).toEqual([0, 0, 1, 1, 0].map((hits) => ({ hits, alerted: true })));
  }, 60_000);

  it('doctor lists rows later than the look-back, with the rule they escape', async () => {
    clock = at(4 * HOUR);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-late-doctor-'));
    try {
      const results = await runDoctorFromEnv(
        {
          DETECTIONS_DIR: path.join(ROOT, 'detections'),
          SQLITE_PATH: path.join(dir, 'fw.db'),
          TEAMS_PLAYGROUND: 'false',
          WORKSPACES: 'acme',
          WORKSPACE_ACME_ID: ws.server.workspaceIds[0] as string,
          WORKSPACE_ACME_ENDPOINT: ws.server.url,
        },
        { envFile: false },
        { clock: () => clock },
      );
      const line = results.find((r) => r.check === 'workspace acme BehaviorAnalytics late rows');
      if (line === undefined) throw new Error(`no late-rows line in:\n${formatReport(results)}`);
      expect(line).toMatchObject({
        verdict: 'warn',
        detail: expect.stringMatching(
          /^2 row\(s\) in 7d reached the workspace more than 2d1h after their TimeGenerated, later than the look-back of first-time-runcommand: their hits are counted, not alerted \(LATE_ROWS=count\)$/,
        ),
        fix: 'raise INGESTION_DELAY_ALLOWANCE (now 2d) or set LATE_ROWS=alert',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
