import { compileQuery, KqlError } from '../../src/kql';
import type { Column, Table } from '../../src/kql/types';
import {
  kustoAnalysis,
  kustoSemanticErrors,
  kustoStringLiterals,
  kustoSyntaxErrors,
  loadKustoParser,
  SENTINEL_SCHEMA,
  type KustoSchema,
} from '../support/kusto-parser';

// The parser is a 4 MB Bridge.NET build: load it once, outside any single test's time budget.
beforeAll(() => loadKustoParser(), 120_000);

describe("Microsoft's parser as a test oracle", () => {
  it('accepts a valid query and reports a broken one with positions', () => {
    expect(kustoSyntaxErrors('BehaviorAnalytics | where TimeGenerated > ago(1h) | take 5')).toEqual([]);
    const errors = kustoSyntaxErrors('BehaviorAnalytics\n| where TimeGenerated >\n| take');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/ at 2:\d+$/);
  });

  it('reports semantic errors against the Sentinel schema', () => {
    expect(kustoSemanticErrors('BehaviorAnalytics | where ActivityInsights.FirstTimeUserPerformedAction == "True"')).toEqual([]);
    expect(kustoSemanticErrors('BehaviorAnalytics | where NoSuchColumn == 1').join()).toMatch(/NoSuchColumn/);
  });

  it('lists the decoded value of every string literal', () => {
    expect(kustoStringLiterals(`T | where a == 'it\\'s' and b == @"C:\\x" | extend c = base64_decode_tostring("YQ==")`)).toEqual([
      "it's",
      'C:\\x',
      'YQ==',
    ]);
  });
});

/** Stored tables with the same schema the Microsoft analyzer gets, and no rows. */
function emptySource(schema: KustoSchema): { getTable(name: string): Table | undefined } {
  return {
    getTable(name) {
      const cols = schema[name];
      if (!cols) return undefined;
      const columns: Column[] = Object.entries(cols).map(([n, t]) => ({ name: n, type: t as Column['type'] }));
      return { name, columns, rows: [] };
    },
  };
}

describe('our engine agrees with Microsoft on validity and on result columns', () => {
  const queries = [
    `BehaviorAnalytics
| where TimeGenerated > ago(1h)
| extend ActivityInsights = parse_json(ActivityInsights)
| where ActivityInsights.EventMessage has_any ('runCommand/action', 'extensions/write')
| where ActivityInsights.FirstTimeUserPerformedAction == "True"`,
    'BehaviorAnalytics | summarize count(), dcount(SourceIPAddress), make_set(ActionType), arg_max(TimeGenerated, *) by UserPrincipalName',
    'BehaviorAnalytics | summarize Hits = count() by bin(TimeGenerated, 1h), tostring(ActivityInsights.EventMessage) | top 5 by Hits',
    'BehaviorAnalytics | project TimeGenerated, UserPrincipalName, tostring(ActivityInsights.FirstTimeUserPerformedAction), strlen(UserName), InvestigationPriority * 2',
    'BehaviorAnalytics | extend Ingested = ingestion_time(), Delay = ingestion_time() - TimeGenerated | project-away UsersInsights, DevicesInsights',
    `AzureActivity | where OperationNameValue =~ "MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE"
| extend Scope = tostring(parse_json(Authorization).scope) | project TimeGenerated, Caller, _ResourceId, Scope, CorrelationId`,
    `BehaviorAnalytics | join kind=leftouter (AzureActivity | project Caller, OperationNameValue, _ResourceId) on $left.UserPrincipalName == $right.Caller`,
    `union isfuzzy=true
  (BehaviorAnalytics | where UserPrincipalName =~ "a@b.c" | project TimeGenerated, Source = "UEBA", Detail = ActionType),
  (SigninLogs | where UserPrincipalName =~ "a@b.c" | project TimeGenerated, Source = "Sign-in", Detail = ResultType),
  (AuditLogs | where tostring(InitiatedBy.user.userPrincipalName) =~ "a@b.c" | project TimeGenerated, Source = "Audit", Detail = OperationName)
| sort by TimeGenerated desc | take 50`,
    'SigninLogs | mv-expand Loc = LocationDetails | summarize make_list(Loc, 10), take_any(IPAddress) by UserPrincipalName',
    'SigninLogs | distinct UserPrincipalName, IPAddress | count',
    'BehaviorAnalytics | project-keep UserName, Time* | project-reorder UserName, TimeProcessed',
    'AuditLogs | summarize c = countif(Result == "success"), avg(toint(Id)), min(TimeGenerated), max(TimeGenerated) by OperationName',
    'let since = ago(2d); let U = SigninLogs | where TimeGenerated > since; U | join kind=leftanti (AuditLogs) on CorrelationId',
    'BehaviorAnalytics | where UserPrincipalName == base64_decode_tostring("YUBiLmM=") | project-rename Who = UserPrincipalName | project Who, Ts = format_datetime(TimeGenerated, "yyyy-MM-dd")',
  ];

  it.each(queries)('%s', (query) => {
    const microsoft = kustoAnalysis(query);
    expect(microsoft.errors).toEqual([]);
    const ours = compileQuery(query).run(emptySource(SENTINEL_SCHEMA), { now: new Date('2024-05-01T00:00:00Z') });
    expect(ours.columns.map((c) => `${c.name}:${c.type}`)).toEqual(microsoft.columns);
  });

  it.each([
    'BehaviorAnalytics | where TimeGenerated > ',
    'BehaviorAnalytics | summarize by',
    'BehaviorAnalytics | where UserName has_any ()',
    'BehaviorAnalytics | extend x = "unterminated',
    'BehaviorAnalytics | project a = ',
  ])('both reject %s', (query) => {
    expect(kustoSyntaxErrors(query).length).toBeGreaterThan(0);
    expect(() => compileQuery(query).run(emptySource(SENTINEL_SCHEMA))).toThrow(KqlError);
  });
});
