import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { toAlertView } from '../../src/cards/alert-view';
import { createLogger } from '../../src/logging/logger';
import { Metrics } from '../../src/observability/metrics';
import { observePollFindings } from '../../src/observability/poll-findings';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { firstTimeRunCommand, startHandMadeWorkspace, type HandMadeWorkspace } from '../support/hand-made-workspace';
import { PassThrough } from 'node:stream';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-27T13:00:00Z');
const runCommand = loadDetections(path.join(__dirname, '../../detections')).find((d) => d.slug === 'first-time-runcommand') as Detection;

function captureLogs(): { logger: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    logger: createLogger('info', out),
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('enrichment never costs an alert', () => {
  let ws: HandMadeWorkspace;
  let store: SqliteStore;

  afterEach(async () => {
    await store.close();
    await ws.close();
  });

  it('a workspace with BehaviorAnalytics and no AzureActivity: every hit alerts, each target says it is unknown and why, logged once and counted', async () => {
    ws = await startHandMadeWorkspace({
      BehaviorAnalytics: [
        firstTimeRunCommand('r1', 'alice@contoso.com', new Date(NOW.getTime() - 2 * HOUR), new Date(NOW.getTime() - 30 * 60_000)),
        firstTimeRunCommand('r2', 'bob@contoso.com', new Date(NOW.getTime() - 50 * 60_000), new Date(NOW.getTime() - 20 * 60_000)),
      ],
    });
    store = openSqliteStore(':memory:');
    const logs = captureLogs();
    const poller = new Poller({
      store,
      workspaces: [{ name: 'hand', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
      logger: logs.logger,
      clock: () => NOW,
      overlapMs: 10 * 60_000,
      delayAllowanceMs: 6 * HOUR,
    });

    const [outcome] = await poller.runDetection(runCommand);

    expect(outcome?.ok).toBe(true);
    expect(outcome?.created.map((a) => a.subject.upn).sort()).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    const reason = 'AzureActivity not available in this workspace';
    expect(outcome?.enrichmentUnavailable).toBe(reason);
    for (const alert of outcome?.created ?? []) {
      expect(alert.target).toEqual({ found: false, unavailable: reason });
      expect((await store.listDeliveries(alert.id)).map((d) => d.target)).toEqual(['console']);
      const view = toAlertView(alert, { now: NOW });
      expect(view.facts).toContainEqual({ label: 'Machine', value: `Unknown: ${reason}` });
    }
    expect(await store.getWatermark('hand', runCommand.id)).toEqual(NOW);
    const warnings = logs.lines().filter((l) => l.msg === 'enrichment unavailable; alerts go out without it');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason, alerts: 2 });

    const metrics = new Metrics({ defaultMetrics: false });
    observePollFindings(metrics, runCommand.slug, [outcome!]);
    expect((await metrics.render()).body).toContain(
      `firstwatch_enrichment_unavailable_total{detection="${runCommand.slug}",workspace="hand"} 1`,
    );
  });

  it('an AzureActivity table without the columns the enrichment reads: the alert stands and names the rejected query', async () => {
    const at = new Date(NOW.getTime() - HOUR);
    ws = await startHandMadeWorkspace(
      { BehaviorAnalytics: [firstTimeRunCommand('r1', 'alice@contoso.com', at, new Date(NOW.getTime() - 30 * 60_000))] },
      // Not the real schema: a table of that name with two columns only.
      {
        raw: [
          {
            name: 'AzureActivity',
            columns: [
              { name: 'TimeGenerated', type: 'datetime' },
              { name: 'Caller', type: 'string' },
            ],
            rows: [{ TimeGenerated: at, Caller: 'alice@contoso.com' }],
            ingestionTimes: [at],
          },
        ],
      },
    );
    store = openSqliteStore(':memory:');
    const poller = new Poller({
      store,
      workspaces: [{ name: 'hand', source: ws.source, targets: [] }],
      logger: createLogger('silent'),
      clock: () => NOW,
      overlapMs: 10 * 60_000,
      delayAllowanceMs: 6 * HOUR,
    });
    const [outcome] = await poller.runDetection(runCommand);
    expect(outcome?.ok).toBe(true);
    expect(outcome?.created).toHaveLength(1);
    expect(outcome?.created[0]?.target?.found).toBe(false);
    expect(outcome?.created[0]?.target?.unavailable).toMatch(/^AzureActivity query rejected: .*OperationNameValue/);
  });

  it('a later run fills in the target once AzureActivity answers, and the posted card is due for a redraw', async () => {
    const rows = [firstTimeRunCommand('r1', 'alice@contoso.com', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() - 30 * 60_000))];
    ws = await startHandMadeWorkspace({ BehaviorAnalytics: rows });
    const withActivity = await startHandMadeWorkspace({
      BehaviorAnalytics: rows,
      AzureActivity: [
        {
          values: {
            TimeGenerated: new Date(NOW.getTime() - HOUR + 20_000),
            Caller: 'alice@contoso.com',
            OperationNameValue: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION',
            ActivityStatusValue: 'Succeeded',
            CorrelationId: 'corr-1',
            _ResourceId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-pay-01',
          },
        },
      ],
    });
    store = openSqliteStore(':memory:');
    let clock = NOW;
    const binding = { name: 'hand', source: ws.source, targets: [{ platform: 'console' as const, target: 'console' }] };
    const filledCalls: string[][] = [];
    const poller = new Poller({
      store,
      workspaces: [binding],
      logger: createLogger('silent'),
      clock: () => clock,
      overlapMs: 10 * 60_000,
      delayAllowanceMs: 6 * HOUR,
      onTargetsFilled: (alerts) => filledCalls.push(alerts.map((a) => a.id)),
    });
    try {
      const [first] = await poller.runDetection(runCommand);
      expect(first?.created[0]?.target).toEqual({ found: false, unavailable: 'AzureActivity not available in this workspace' });
      // The store keeps its own (system) clock: look from a little after it.
      const storeLater = (): Date => new Date(Date.now() + 60_000);
      const [work] = await store.claimDueDeliveries(storeLater(), 10);
      if (work === undefined) throw new Error('the alert queued no delivery');
      await store.markPosted(work.delivery.id, { platform: 'console', target: 'console', messageId: 'm1' }, 1);
      expect(await store.staleCards(10, storeLater())).toEqual([]);

      // The workspace now answers for AzureActivity (the connector was turned on).
      binding.source = withActivity.source;
      clock = new Date(NOW.getTime() + HOUR);
      const [second] = await poller.runDetection(runCommand);
      expect(second?.ok).toBe(true);
      expect(second?.targetsFilled).toBe(1);
      expect(filledCalls).toEqual([['FW-1']]);
      const alert = await store.getAlert('FW-1');
      expect(alert).toMatchObject({ version: 2, target: { found: true, name: 'vm-pay-01', operationStatus: 'Succeeded' } });
      expect((await store.staleCards(10, storeLater())).map((d) => d.alert.id)).toEqual(['FW-1']);

      const [third] = await poller.runDetection(runCommand);
      expect(third?.targetsFilled).toBe(0);
    } finally {
      await withActivity.close();
    }
  });
});
