import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildRunQuery } from '../../src/detections';
import { parseDetection } from '../../src/detections/parse';
import type { Table } from '../../src/kql/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore } from '../../src/store';
import { LogAnalyticsSource, startWorkspaceServer, writeTables } from '../../src/workspace';

/** In the form Sentinel publishes NRT rules: no queryFrequency, queryPeriod or trigger. */
const PUBLISHED_NRT = `id: 8c2f7b3a-5d7e-4a11-9b6e-2f0d4c9a7e15
name: NRT Security info registered for an account
description: |
  An account registered new authentication methods (security info).
severity: Medium
status: Available
requiredDataConnectors:
  - connectorId: AzureActiveDirectory
    dataTypes:
      - AuditLogs
tactics:
  - Persistence
relevantTechniques:
  - T1098
query: |
  AuditLogs
  | where OperationName =~ "User registered security info"
  | project TimeGenerated, Target, OperationName
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: Target
version: 1.0.1
kind: NRT
`;

const MINUTE = 60_000;

describe('near-real-time rules (kind: NRT)', () => {
  it('loads a published NRT rule and runs it every minute, alerting on any row', () => {
    const { detection } = parseDetection(PUBLISHED_NRT, 'nrt-security-info.yaml');
    expect(detection.kind).toBe('NRT');
    expect(detection.cron).toBe('* * * * *');
    expect(detection.triggerOperator).toBe('gt');
    expect(detection.triggerThreshold).toBe(0);
  });

  it('still takes a schedule override, and refuses a kind FirstWatch does not run', () => {
    expect(
      parseDetection(PUBLISHED_NRT, 'nrt-security-info.yaml', { scheduleOverrides: { 'nrt-security-info': '*/2 * * * *' } }).detection.cron,
    ).toBe('*/2 * * * *');
    expect(() => parseDetection(PUBLISHED_NRT.replace('kind: NRT', 'kind: Fusion'), 'f.yaml')).toThrow(/f.yaml/);
  });

  it('keeps its minute when POLL_CRON slows the scheduled rules down', () => {
    expect(parseDetection(PUBLISHED_NRT, 'nrt-security-info.yaml', { defaultCron: '0 */6 * * *' }).detection.cron).toBe('* * * * *');
  });

  it('queries everything since the last run, widened by the delay allowance, not a fixed period', () => {
    const { detection } = parseDetection(PUBLISHED_NRT, 'nrt-security-info.yaml');
    const end = new Date('2026-12-01T10:00:00Z');
    const run = buildRunQuery(
      detection,
      { ingestStart: new Date(end.getTime() - 3 * MINUTE), ingestEnd: end },
      { delayAllowanceMs: 10 * MINUTE, clockSkewMs: 0 },
    );
    expect(run.query).toBe(detection.query);
    expect(run.timespan).toEqual({ start: new Date(end.getTime() - 13 * MINUTE), end });
  });

  it("turns a row added to the running local workspace into an alert on the next minute's run, once", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-nrt-'));
    let now = new Date('2026-12-01T10:00:00Z');
    const audit = (rows: { at: Date; target: string }[]): Table & { ingestionTimes: Date[] } => ({
      name: 'AuditLogs',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Target', type: 'string' },
        { name: 'OperationName', type: 'string' },
      ],
      rows: rows.map((r) => ({ TimeGenerated: r.at, Target: r.target, OperationName: 'User registered security info' })),
      ingestionTimes: rows.map((r) => r.at),
    });
    const rows = [{ at: new Date(now.getTime() - 30_000), target: 'alice@contoso.com' }];
    await writeTables(dir, [audit(rows)]);
    const server = await startWorkspaceServer({ dir, clock: () => now });
    const store = openSqliteStore(':memory:');
    try {
      const { detection } = parseDetection(PUBLISHED_NRT, 'nrt-security-info.yaml');
      const source = new LogAnalyticsSource({
        name: 'local',
        workspaceId: server.workspaceIds[0] as string,
        endpoint: server.url,
        local: true,
        maxRetries: 0,
      });
      const poller = new Poller({
        store,
        workspaces: [{ name: 'local', source, targets: [] }],
        logger: silentLogger(),
        clock: () => now,
        overlapMs: MINUTE,
        delayAllowanceMs: 5 * MINUTE,
      });
      const [first] = await poller.runDetection(detection);
      expect(first?.created.map((a) => a.subject.upn)).toEqual(['alice@contoso.com']);

      // A row arrives while the workspace is serving; the next minute's run alerts on it alone.
      now = new Date(now.getTime() + MINUTE);
      rows.push({ at: new Date(now.getTime() - 20_000), target: 'bob@contoso.com' });
      await writeTables(dir, [audit(rows)]);
      await server.reload();
      const [second] = await poller.runDetection(detection);
      expect(second?.created.map((a) => a.subject.upn)).toEqual(['bob@contoso.com']);
    } finally {
      await store.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
