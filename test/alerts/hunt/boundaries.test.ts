/**
 * What comes back from outside is checked: rows a workspace should never send are refused
 * with the row and column named, and a store that cannot record the hunt stops it.
 */
import { HuntError, HuntService } from '../../../src/alerts/hunt';
import { SqliteStore } from '../../../src/store';
import type { QueryResult, QuerySource, TimeRange } from '../../../src/workspace';
import { ctx, NOW, WEEK_MS } from './fixtures';

/** A workspace answering with fixed rows: the QuerySource interface is the boundary to Azure. */
class FixedSource implements QuerySource {
  readonly name = 'odd-workspace';
  constructor(private readonly rows: Record<string, unknown>[]) {}
  async query(_kql: string, _timespan: TimeRange): Promise<QueryResult> {
    return { columns: [], rows: this.rows };
  }
}

let store: SqliteStore;
beforeEach(() => {
  store = new SqliteStore(':memory:', { clock: () => NOW });
});
afterEach(async () => {
  await store.close().catch(() => undefined);
});

const hunt = (rows: Record<string, unknown>[]): Promise<unknown> =>
  new HuntService({ sources: [new FixedSource(rows)], store, clock: () => NOW }).run(
    { upn: 'alice@contoso.com', lookbackMs: WEEK_MS },
    ctx(),
  );

describe('rows from a workspace', () => {
  it.each([
    [
      [{ Kind: 'activity', Source: 'AzureActivity', Action: 'x', Count: 'many', First: NOW, Last: NOW }],
      'row 1: column Count should be a count',
    ],
    [
      [{ Kind: 'activity', Source: 'AzureActivity', Action: 'x', Count: 1, First: 'yesterday', Last: NOW }],
      'row 1: column First should be a datetime',
    ],
    [[{ Kind: 'day', First: NOW, Count: 1 }, { Kind: 'surprise' }], 'row 2: unknown row kind "surprise"'],
    [[{ Kind: 'ip', Key: '10.0.0.1', Count: -1 }], 'row 1: column Count should be a count'],
    [[{ Kind: 'event', TimeGenerated: NOW, Source: { nested: true }, Action: 'x' }], 'row 1: column Source should be text'],
  ])('%j is refused, naming the row', async (rows, message) => {
    const error = await hunt(rows).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`workspace odd-workspace returned an unexpected row`);
    expect((error as Error).message).toContain(message);
  });

  it('dynamic cells still JSON-encoded are read, empty values skipped', async () => {
    const report = (await hunt([
      {
        Kind: 'activity',
        Source: 'AzureActivity',
        Action: 'write',
        Count: 2,
        First: NOW.toISOString(),
        Last: NOW,
        IPs: '["10.0.0.1",""]',
        Targets: null,
        Statuses: ['Succeeded', ''],
      },
      { Kind: 'insight', Source: 'AzureActivity', Action: 'write', Key: 'FirstTimeUserPerformedAction', Count: 1 },
      { Kind: 'ip', Key: '', Count: 5 },
    ])) as import('../../../src/alerts/types').HuntReport;
    expect(report.activities).toEqual([
      {
        source: 'AzureActivity',
        action: 'write',
        count: 2,
        first: NOW,
        last: NOW,
        ips: ['10.0.0.1'],
        targets: [],
        statuses: ['Succeeded'],
        insights: ['FirstTimeUserPerformedAction'],
      },
    ]);
    expect(report.sourceIps).toEqual([]);
  });
});

describe('the store', () => {
  it('a hunt that cannot be audited is not served', async () => {
    await store.close();
    const error = await hunt([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HuntError);
    expect((error as HuntError).failure).toBe('store');
    expect((error as Error).message).toMatch(/^could not record the hunt in the audit log: /);
  });
});
