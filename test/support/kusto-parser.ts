/**
 * Checks query text with Microsoft's own KQL parser (@kusto/language-service-next, a Bridge.NET
 * build of Kusto.Language). Loading it defines the globals `Bridge` and `Kusto`.
 */

/** The few members of the Bridge.NET objects this helper touches. */
interface Diagnostic {
  Message: string;
  Start: number;
  Severity: string;
}
interface LexicalToken {
  Kind: number;
  Text: string;
}
interface KustoCode {
  ResultType: { Columns?: unknown } | null;
  GetSyntaxDiagnostics(): unknown;
  GetDiagnostics(): unknown;
  GetLexicalTokens(): unknown;
}
interface KustoLanguage {
  KustoCode: { Parse(text: string): KustoCode; ParseAndAnalyze(text: string, globals: unknown): KustoCode };
  KustoFacts: { GetStringLiteralValue(literal: string): string };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: { $ctor1: new (name: string, members: unknown[], isOpen: boolean) => unknown };
  };
  Syntax: { SyntaxKind: Record<string, number> };
}
interface BridgeRuntime {
  toArray(list: unknown): unknown[];
}

let loaded: { K: KustoLanguage; B: BridgeRuntime } | undefined;

function load(): { K: KustoLanguage; B: BridgeRuntime } {
  if (loaded) return loaded;
  require('@kusto/language-service-next/bridge.min');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min');
  const g = globalThis as unknown as { Kusto?: { Language?: KustoLanguage }; Bridge?: BridgeRuntime };
  if (!g.Kusto?.Language || !g.Bridge) throw new Error('@kusto/language-service-next did not define Kusto.Language');
  loaded = { K: g.Kusto.Language, B: g.Bridge };
  return loaded;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

function messages(query: string, list: unknown): string[] {
  const { B } = load();
  return (B.toArray(list) as Diagnostic[]).filter((d) => d.Severity === 'Error').map((d) => `${d.Message} at ${position(query, d.Start)}`);
}

/** Syntax errors as Microsoft's parser reports them ("message at line:column"); empty when the syntax is valid. */
export function kustoSyntaxErrors(query: string): string[] {
  const { K } = load();
  return messages(query, K.KustoCode.Parse(query).GetSyntaxDiagnostics());
}

/** The decoded value of every string literal token Microsoft's lexer sees, in order. */
export function kustoStringLiterals(query: string): string[] {
  const { K, B } = load();
  const kind = K.Syntax.SyntaxKind.StringLiteralToken;
  return (B.toArray(K.KustoCode.Parse(query).GetLexicalTokens()) as LexicalToken[])
    .filter((t) => t.Kind === kind)
    .map((t) => K.KustoFacts.GetStringLiteralValue(t.Text));
}

/** Table name → column name → KQL type. */
export type KustoSchema = Record<string, Record<string, string>>;

const cols = (spec: string): Record<string, string> =>
  Object.fromEntries(
    spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => s.split(':') as [string, string]),
  );

/** The Sentinel tables our detections and hunts read (the columns they use, with their documented types). */
export const SENTINEL_SCHEMA: KustoSchema = {
  BehaviorAnalytics: cols(`TimeGenerated:datetime, TimeProcessed:datetime, SourceRecordId:string,
    UserPrincipalName:string, UserName:string, UserId:string, UsersInsights:dynamic, ActorName:string, ActorPrincipalName:string,
    ActionType:string, ActivityType:string, EventSource:string, EventVendor:string, EventProductVersion:string,
    SourceIPAddress:string, SourceIPLocation:string, SourceDevice:string, DestinationDevice:string,
    DestinationIPAddress:string, DestinationIPLocation:string, Device:string, DevicesInsights:dynamic,
    TargetName:string, TargetPrincipalName:string, NativeTableName:string, InvestigationPriority:int,
    ActivityInsights:dynamic, TenantId:string, Type:string`),
  AzureActivity: cols(`TimeGenerated:datetime, OperationName:string, OperationNameValue:string, Caller:string,
    CallerIpAddress:string, CorrelationId:string, ResourceGroup:string, ResourceProviderValue:string, _ResourceId:string,
    ActivityStatusValue:string, ActivitySubstatusValue:string, Authorization:string, Authorization_d:dynamic,
    Properties:string, Properties_d:dynamic, SubscriptionId:string, Level:string, CategoryValue:string, Claims:string,
    Claims_d:dynamic, HTTPRequest:string, EventSubmissionTimestamp:datetime, OperationId:string, EventDataId:string,
    Hierarchy:string, TenantId:string, Type:string, SourceSystem:string`),
  SigninLogs: cols(`TimeGenerated:datetime, UserPrincipalName:string, UserDisplayName:string, UserId:string,
    IPAddress:string, Location:string, LocationDetails:dynamic, ResultType:string, ResultDescription:string,
    AppDisplayName:string, AppId:string, ClientAppUsed:string, ConditionalAccessStatus:string, DeviceDetail:dynamic,
    Status:dynamic, RiskLevelDuringSignIn:string, RiskState:string, CorrelationId:string, Id:string, IsInteractive:bool,
    AuthenticationRequirement:string, ResourceDisplayName:string, UserAgent:string, TenantId:string, Type:string`),
  AuditLogs: cols(`TimeGenerated:datetime, OperationName:string, Category:string, Result:string,
    ResultDescription:string, InitiatedBy:dynamic, TargetResources:dynamic, AdditionalDetails:dynamic,
    CorrelationId:string, Id:string, LoggedByService:string, ActivityDisplayName:string, ActivityDateTime:datetime,
    Identity:string, TenantId:string, Type:string`),
};

const globalsCache = new Map<KustoSchema, unknown>();

/**
 * Syntax and semantic errors (unknown columns, wrong types, unknown functions) against a schema;
 * empty when Microsoft's analyzer accepts the query.
 */
export function kustoSemanticErrors(query: string, schema: KustoSchema = SENTINEL_SCHEMA): string[] {
  const { K } = load();
  return messages(query, K.KustoCode.ParseAndAnalyze(query, globalsFor(schema)).GetDiagnostics());
}

/** Errors and result columns from one analysis (analysis is the slow part; do it once per query). */
export function kustoAnalysis(query: string, schema: KustoSchema = SENTINEL_SCHEMA): { errors: string[]; columns: string[] } {
  const { K, B } = load();
  const code = K.KustoCode.ParseAndAnalyze(query, globalsFor(schema));
  const errors = messages(query, code.GetDiagnostics());
  const rt = code.ResultType;
  const columns = rt?.Columns
    ? (B.toArray(rt.Columns) as { Name: string; Type: { Name: string } }[]).map((c) => `${c.Name}:${c.Type.Name}`)
    : [];
  return { errors, columns };
}

/** Loads Microsoft's parser (seconds on a busy machine); call from a beforeAll with a generous timeout. */
export function loadKustoParser(): void {
  load();
}

function globalsFor(schema: KustoSchema): unknown {
  const { K } = load();
  let globals = globalsCache.get(schema);
  if (!globals) {
    const tables = Object.entries(schema).map(
      ([name, columns]) =>
        new K.Symbols.TableSymbol.$ctor7(
          name,
          `(${Object.entries(columns)
            .map(([c, t]) => `['${c}']:${t}`)
            .join(', ')})`,
          null,
        ),
    );
    globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.$ctor1('workspace', tables, false));
    globalsCache.set(schema, globals);
  }
  return globals;
}
