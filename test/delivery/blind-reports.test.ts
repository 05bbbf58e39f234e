import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { BlindReports } from '../../src/delivery/blind-reports';
import { checkBlindSpells } from '../../src/doctor/detections';
import { silentLogger } from '../../src/logging/logger';
import { Metrics } from '../../src/observability/metrics';
import { sightOf } from '../../src/poller/blindness';
import { Poller } from '../../src/poller/poller';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin';
import { startLocalWorkspace, type LocalWorkspace } from '../support/local-workspace';
import { SLACK_ALERTS, SLACK_CHANNELS, openProcess, type Process } from './two-platforms';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const shipped = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;
const rule: Detection = { ...shipped, firstwatch: { ...shipped.firstwatch, enrichment: undefined } };

/** A detection that cannot read its window for longer than its frequency is said in the alert channels, once per spell. */
describe('blind detection reports', () => {
  let standin: SlackStandin;
  let ws: LocalWorkspace;
  let dir: string;
  let p: Process;
  let now: number;
  let metrics: Metrics;
  let poller: Poller;
  let reports: BlindReports;

  beforeEach(async () => {
    standin = await startSlackStandin({ channels: SLACK_CHANNELS });
    ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z') });
    now = ws.now.getTime();
    dir = mkdtempSync(path.join(tmpdir(), 'fw-blind-'));
    p = await openProcess(path.join(dir, 'firstwatch.db'), standin, { clock: () => new Date(now), escalation: false });
    metrics = new Metrics({ defaultMetrics: false });
    const targets = [{ platform: 'slack' as const, target: SLACK_ALERTS }];
    poller = new Poller({
      store: p.store,
      workspaces: [{ name: 'contoso', source: ws.source, targets }],
      logger: silentLogger(),
      clock: () => new Date(now),
      overlapMs: 10 * MINUTE,
      delayAllowanceMs: 6 * HOUR,
    });
    reports = new BlindReports({
      store: p.store,
      platforms: { slack: p.slack.platform },
      targetsOf: (name) => (name === 'contoso' ? targets : []),
      logger: silentLogger(),
      clock: () => new Date(now),
      onBlind: (detection, workspace, ms) => metrics.blindSeconds.set({ detection, workspace }, ms / 1000),
      onReport: (detection, workspace, posted) =>
        metrics.blindReports.inc({ detection, workspace, outcome: posted > 0 ? 'posted' : 'failed' }),
    });
  });
  afterEach(async () => {
    await p.close();
    await standin.close();
    await ws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One scheduled run an hour after the last; `fail` makes the workspace answer 503 to it. */
  async function poll(fail: boolean): Promise<void> {
    if (fail) ws.server.faults.next({ status: 503 });
    const outcomes = await poller.runDetection(rule);
    expect(outcomes[0]?.ok).toBe(!fail);
    await reports.observe(rule, outcomes.map(sightOf));
    now += rule.queryFrequencyMs;
  }
  const blindReports = () => standin.messagesIn(SLACK_ALERTS).filter((m) => String(m.text).includes('Detection blind'));
  const gauge = async (): Promise<number | undefined> =>
    (await metrics.blindSeconds.get()).values.find((v) => v.labels.detection === rule.slug)?.value;

  it('reports once when the blind time passes the frequency, not every cycle, and again only after a new spell', async () => {
    expect(rule.queryFrequencyMs).toBe(HOUR);
    await poll(true);
    // Blind for less than its frequency: counted, not yet reported.
    expect(blindReports()).toHaveLength(0);
    expect(await gauge()).toBe(0);
    await poll(true);
    expect(blindReports()).toHaveLength(1);
    expect(await gauge()).toBe(3600);
    await poll(true);
    await poll(true);
    expect(blindReports()).toHaveLength(1);
    expect(await gauge()).toBe(3 * 3600);

    const [report] = blindReports();
    const shown = JSON.stringify(report?.blocks);
    expect(shown).toContain('contoso');
    expect(shown).toContain('HTTP 503');
    expect(shown).toContain(rule.slug);
    expect((await metrics.blindReports.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { detection: rule.slug, workspace: 'contoso', outcome: 'posted' } }),
    ]);

    // A poll that reads its whole window ends the spell.
    await poll(false);
    expect(await gauge()).toBe(0);
    expect(await p.store.listBlindSpells()).toEqual([]);
    // A new spell is reported again once it too lasts longer than the frequency.
    await poll(true);
    await poll(true);
    expect(blindReports()).toHaveLength(2);
  });

  it('gives doctor one line per detection: FAIL while blind longer than its frequency, ok once it reads again', async () => {
    await poll(true);
    const early = await checkBlindSpells([rule], p.store, new Date(now - 1));
    expect(early).toEqual([expect.objectContaining({ check: `sight ${rule.slug}`, verdict: 'warn' })]);
    await poll(true);
    const [line] = await checkBlindSpells([rule], p.store, new Date(now));
    expect(line).toMatchObject({ check: `sight ${rule.slug}`, verdict: 'FAIL' });
    expect(line?.detail).toMatch(
      /^contoso: blind since 2026-11-20T12:00:00\.000Z, longer than its frequency, reported to the alert channels \(.*HTTP 503/,
    );
    await poll(false);
    expect(await checkBlindSpells([rule], p.store, new Date(now))).toEqual([
      { check: `sight ${rule.slug}`, verdict: 'ok', detail: 'read its whole window at its last poll in every workspace' },
    ]);
  });

  it('a report no channel took is tried again at the next blind poll', async () => {
    standin.failNext('chat.postMessage', { error: 'channel_not_found' });
    await poll(true);
    await poll(true);
    expect(blindReports()).toHaveLength(0);
    expect((await p.store.listBlindSpells())[0]?.reportedAt).toBeUndefined();
    await poll(true);
    expect(blindReports()).toHaveLength(1);
  });
});
