import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import type { Table } from '../../src/kql/types';
import { silentLogger } from '../../src/logging/logger';
import { CrossWorkspaceQueries } from '../../src/poller/cross-workspace';
import { Poller, type WorkspaceBinding } from '../../src/poller/poller';
import { QueryLimiter } from '../../src/poller/query-limiter';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import { LogAnalyticsSource, QueryError, startWorkspaceServer, type WorkspaceServer } from '../../src/workspace';

const IDS = Array.from({ length: 5 }, (_, i) => `aaaaaaaa-0000-0000-0000-00000000000${i + 1}`);
const NOW = new Date('2026-11-20T12:00:00Z');

function rule(n: number, project: string): string {
  return `id: 0000c0${n}0-0000-4000-8000-000000000000
name: Cross rule ${n}
description: A rule for the cross-workspace tests.
severity: Medium
queryFrequency: 5m
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: []
relevantTechniques: []
query: |
  Events
  | where TimeGenerated > ago(1h)
  | project ${project}
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: User
kind: Scheduled
`;
}

/** Workspace i holds i + 1 rows, and one row identical in every workspace; TenantId is the workspace's id, as in Log Analytics. */
function eventsOf(i: number): Table {
  const at = new Date(NOW.getTime() - 10 * 60_000);
  const TenantId = IDS[i];
  const rows = [
    { TimeGenerated: at, User: 'same@everywhere.example', TenantId },
    ...Array.from({ length: i + 1 }, (_, k) => ({ TimeGenerated: at, User: `user${k}@ws${i}.example`, TenantId })),
  ];
  return {
    name: 'Events',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
      { name: 'TenantId', type: 'string' },
    ],
    rows,
  };
}

describe('one query over many workspaces (additionalWorkspaces), split back by TenantId', () => {
  let server: WorkspaceServer;
  let store: SqliteStore;
  let keeps: Detection;
  let drops: Detection;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fw-cross-'));
    await writeFile(path.join(dir, 'keeps.yaml'), rule(1, 'TimeGenerated, User, TenantId'));
    await writeFile(path.join(dir, 'drops.yaml'), rule(2, 'TimeGenerated, User'));
    [keeps, drops] = ['keeps', 'drops'].map((n) => loadDetections(dir).find((d) => d.name === `Cross rule ${n === 'keeps' ? 1 : 2}`)) as [
      Detection,
      Detection,
    ];
    await rm(dir, { recursive: true, force: true });
    const tables = new Map(IDS.map((id, i) => [id, eventsOf(i)] as const));
    server = await startWorkspaceServer({
      source: { getTable: () => undefined },
      tablesFor: (id) => ({ getTable: (name) => (name === 'Events' ? tables.get(id) : undefined) }),
      workspaceId: IDS,
      clock: () => NOW,
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    store = openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  const source = (id: string, name = id): LogAnalyticsSource =>
    new LogAnalyticsSource({ name, workspaceId: id, endpoint: server.url, local: true, maxRetries: 0 });
  const bindings = (ids: string[]): WorkspaceBinding[] =>
    ids.map((id) => ({ name: `ws-${id.slice(-1)}`, source: source(id), targets: [] }));

  it('the local workspace answers a query naming other workspaces with all their rows, each with its TenantId', async () => {
    const result = await source(IDS[0] as string).query(
      'Events | project User, TenantId',
      { start: new Date(NOW.getTime() - 3_600_000), end: NOW },
      { additionalWorkspaces: [IDS[1] as string, IDS[2] as string] },
    );
    const count = (id: string): number => result.rows.filter((r) => r.TenantId === id).length;
    expect([count(IDS[0] as string), count(IDS[1] as string), count(IDS[2] as string)]).toEqual([2, 3, 4]);
    expect(result.rows).toHaveLength(9);
  });

  it('the local workspace refuses a query over more than 100 workspaces, as the service does', async () => {
    const many = Array.from({ length: 100 }, () => IDS[1] as string);
    // Repeats count once: 2 distinct workspaces pass.
    await expect(
      source(IDS[0] as string).query(
        'Events | count',
        { start: new Date(NOW.getTime() - 3_600_000), end: NOW },
        { additionalWorkspaces: many },
      ),
    ).resolves.toBeDefined();
    const big = await startWorkspaceServer({
      source: { getTable: () => undefined },
      workspaceId: Array.from({ length: 101 }, (_, i) => `big-${i}`),
    });
    try {
      const err = await new LogAnalyticsSource({ name: 'big', workspaceId: 'big-0', endpoint: big.url, local: true, maxRetries: 0 })
        .query(
          'Events | count',
          { start: new Date(NOW.getTime() - 3_600_000), end: NOW },
          { additionalWorkspaces: Array.from({ length: 100 }, (_, i) => `big-${i + 1}`) },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryError);
      expect((err as QueryError).message).toMatch(/at most 100 workspaces; this one references 101/);
    } finally {
      await big.close();
    }
  });

  it("polls five workspaces with one request per rule, each workspace storing only its own rows' alerts", async () => {
    const events: { workspaces: number; fallback?: string }[] = [];
    const crossWorkspace = new CrossWorkspaceQueries({ limiter: new QueryLimiter(), onQuery: (e) => events.push(e) });
    const poller = new Poller({
      store,
      workspaces: bindings(IDS),
      logger: silentLogger(),
      clock: () => NOW,
      overlapMs: 0,
      delayAllowanceMs: 0,
      crossWorkspace,
    });
    const before = server.requests.length;
    const outcomes = await poller.runDetection(keeps);
    expect(server.requests.length - before).toBe(1);
    expect(events).toEqual([{ workspaces: 5 }]);
    expect(outcomes.map((o) => [o.workspace, o.ok, o.created.length])).toEqual(IDS.map((_, i) => [`ws-${i + 1}`, true, i + 2]));
    for (const o of outcomes) expect(new Set(o.created.map((a) => a.workspace))).toEqual(new Set([o.workspace]));
    // The row every workspace holds is one alert in each.
    expect(outcomes.flatMap((o) => o.created).filter((a) => a.subject.upn === 'same@everywhere.example')).toHaveLength(5);
    expect(await store.getWatermark('ws-3', keeps.id)).toEqual(NOW);

    const again = await poller.runDetection(keeps);
    expect(again.flatMap((o) => o.created)).toEqual([]);
  });

  it('runs a rule whose rows carry no TenantId once per workspace, and does not try it across workspaces again', async () => {
    const events: { workspaces: number; fallback?: string }[] = [];
    const crossWorkspace = new CrossWorkspaceQueries({ onQuery: (e) => events.push(e) });
    const poller = new Poller({
      store,
      workspaces: bindings(IDS),
      logger: silentLogger(),
      clock: () => NOW,
      overlapMs: 0,
      delayAllowanceMs: 0,
      crossWorkspace,
    });
    const first = await poller.runDetection(drops);
    expect(first.map((o) => o.created.length)).toEqual([2, 3, 4, 5, 6]);
    expect(events).toEqual([{ workspaces: 5, fallback: 'the rows carry no TenantId' }]);
    const before = server.requests.length;
    await poller.runDetection(drops, { dryRun: true });
    expect(server.requests.length - before).toBe(5);
    expect(events).toHaveLength(1);
  });

  it('a workspace the service does not know fails alone; the others are polled and stored', async () => {
    const crossWorkspace = new CrossWorkspaceQueries();
    const workspaces = [
      ...bindings(IDS.slice(0, 3)),
      { name: 'gone', source: source('bbbbbbbb-0000-0000-0000-000000000009', 'gone'), targets: [] },
    ];
    const poller = new Poller({
      store,
      workspaces,
      logger: silentLogger(),
      clock: () => NOW,
      overlapMs: 0,
      delayAllowanceMs: 0,
      crossWorkspace,
    });
    const outcomes = await poller.runDetection(keeps);
    expect(outcomes.map((o) => [o.workspace, o.ok, o.created.length])).toEqual([
      ['ws-1', true, 2],
      ['ws-2', true, 3],
      ['ws-3', true, 4],
      ['gone', false, 0],
    ]);
    expect(outcomes[3]?.error).toMatch(/^gone: HTTP 404/);
    // Next time the one that failed alone stays out: one shared query for the three, one alone for it.
    const before = server.requests.length;
    const again = await poller.runDetection(keeps, { dryRun: true });
    expect(again.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(server.requests.length - before).toBe(2);
  });

  it('refuses a span outside 2..100 workspaces', () => {
    expect(() => new CrossWorkspaceQueries({ maxWorkspaces: 101 })).toThrow(/2\.\.100/);
    expect(() => new CrossWorkspaceQueries({ maxWorkspaces: 1 })).toThrow(/2\.\.100/);
  });
});
