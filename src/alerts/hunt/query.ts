/**
 * The hunt's one KQL query. The person's input reaches it only as base64 inside
 * `base64_decode_tostring("…")` (the base64 alphabet cannot close a literal), and the
 * look-back only as a timespan literal this module renders from an integer.
 */

/** The longest look-back the builder renders; Log Analytics keeps 90 days by default. */
export const MAX_LOOKBACK_MS = 90 * 86_400_000;
/** The shortest look-back: one minute. */
export const MIN_LOOKBACK_MS = 60_000;

/** Caps inside the query, so one busy account cannot return a huge result. */
export const HUNT_QUERY_LIMITS = {
  /** Most recent events returned per workspace. */
  recent: 50,
  /** Distinct IPs / targets / statuses kept per activity. */
  setSize: 20,
  /** Rows in the per-IP and per-resource rankings per workspace. */
  ranking: 50,
} as const;

/** The source tables a hunt reads, in the order the report lists them. */
export const HUNT_SOURCES = ['BehaviorAnalytics', 'AzureActivity', 'SigninLogs', 'AuditLogs'] as const;

export type HuntSource = (typeof HUNT_SOURCES)[number];

/** Each source normalised to the same columns, one leg of the union (a workspace without the table leaves its leg out). */
const HUNT_LEGS: Record<HuntSource, readonly string[]> = {
  BehaviorAnalytics: [
    '    (BehaviorAnalytics',
    '    | where TimeGenerated > ago(_lookback)',
    '    | where UserPrincipalName =~ _upn',
    '    | project TimeGenerated, Source = "BehaviorAnalytics", Action = coalesce(ActionType, ActivityType),',
    '        Target = coalesce(DestinationDevice, TargetName), Resource = DestinationDevice,',
    '        IP = SourceIPAddress, Location = SourceIPLocation,',
    '        Status = "", Priority = toint(InvestigationPriority), Insights = ActivityInsights,',
    '        DisplayName = "", ObjectId = "")',
  ],
  AzureActivity: [
    '    (AzureActivity',
    '    | where TimeGenerated > ago(_lookback)',
    '    | where Caller =~ _upn',
    '    | project TimeGenerated, Source = "AzureActivity", Action = OperationNameValue,',
    '        Target = _ResourceId, Resource = _ResourceId, IP = CallerIpAddress, Location = "",',
    '        Status = ActivityStatusValue, Priority = int(null), Insights = dynamic(null),',
    '        DisplayName = "", ObjectId = "")',
  ],
  SigninLogs: [
    '    (SigninLogs',
    '    | where TimeGenerated > ago(_lookback)',
    '    | where UserPrincipalName =~ _upn',
    '    | project TimeGenerated, Source = "SigninLogs", Action = "Sign-in",',
    '        Target = AppDisplayName, Resource = "", IP = IPAddress, Location = Location,',
    '        Status = iff(ResultType == "0", "Success", strcat(ResultType, " ", ResultDescription)),',
    '        Priority = int(null), Insights = dynamic(null),',
    '        DisplayName = UserDisplayName, ObjectId = UserId)',
  ],
  AuditLogs: [
    '    (AuditLogs',
    '    | where TimeGenerated > ago(_lookback)',
    '    | where tostring(InitiatedBy.user.userPrincipalName) =~ _upn',
    '    | project TimeGenerated, Source = "AuditLogs", Action = OperationName,',
    '        Target = coalesce(tostring(TargetResources[0].displayName), tostring(TargetResources[0].userPrincipalName)),',
    '        Resource = coalesce(tostring(TargetResources[0].displayName), tostring(TargetResources[0].userPrincipalName)),',
    '        IP = tostring(InitiatedBy.user.ipAddress), Location = "",',
    '        Status = Result, Priority = int(null), Insights = dynamic(null),',
    '        DisplayName = tostring(InitiatedBy.user.displayName), ObjectId = tostring(InitiatedBy.user.id))',
  ],
};

/** The capped rankings whose true size the query also returns (`Kind = "total"`, `Key` = which). */
export type HuntTotalKey = 'ips' | 'resources';

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** `7d`, `36h`, `90m`: the largest whole unit; refuses anything but a bounded whole number of seconds. */
export function formatTimespanLiteral(ms: number): string {
  checkLookback(ms);
  for (const [unit, size] of UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  // checkLookback guarantees whole seconds, so the loop always returns.
  throw new Error(`look-back ${ms} ms is not a whole number of seconds`);
}

/** Throws unless `ms` is a whole number of seconds within [1 minute, 90 days]. */
export function checkLookback(ms: number): void {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw new Error(`look-back must be a whole number of milliseconds, got ${String(ms)}`);
  }
  if (ms < MIN_LOOKBACK_MS || ms > MAX_LOOKBACK_MS) {
    throw new Error(`look-back must be between 1 minute and 90 days, got ${ms} ms`);
  }
  if (ms % 1000 !== 0) throw new Error(`look-back must be a whole number of seconds, got ${ms} ms`);
}

/** Base64 of the UTF-8 bytes: only [A-Za-z0-9+/=], so it can never end the literal it sits in. */
export function toBase64Literal(value: string): string {
  return `"${Buffer.from(value, 'utf8').toString('base64')}"`;
}

/**
 * The hunt query for one validated UPN. Every source is normalised to the same columns
 * (so `union isfuzzy=true` keeps one schema even when a table is missing), then one
 * result table carries the summaries (`Kind` says which) and the most recent events.
 */
export function buildHuntQuery(upn: string, lookbackMs: number, tables: readonly HuntSource[] = HUNT_SOURCES): string {
  if (typeof upn !== 'string' || upn.length === 0) throw new Error('the hunt query needs a non-empty UPN');
  const chosen = HUNT_SOURCES.filter((t) => tables.includes(t));
  if (chosen.length === 0) throw new Error('the hunt query needs at least one table');
  const legs = `${chosen.map((t) => HUNT_LEGS[t].join('\n')).join(',\n')};`;
  const lookback = formatTimespanLiteral(lookbackMs);
  const { recent, setSize, ranking } = HUNT_QUERY_LIMITS;
  return [
    `let _upn = tolower(base64_decode_tostring(${toBase64Literal(upn)}));`,
    `let _lookback = ${lookback};`,
    `let _events = union isfuzzy=true\n${legs}`,
    'union',
    '    (_events',
    `    | summarize Count = count(), First = min(TimeGenerated), Last = max(TimeGenerated), IPs = make_set(IP, ${setSize}),`,
    `        Targets = make_set(Target, ${setSize}), Statuses = make_set(Status, ${setSize}), Priority = max(Priority) by Source, Action`,
    '    | extend Kind = "activity"),',
    '    (_events',
    '    | summarize Count = count() by Source, First = bin(TimeGenerated, 1d)',
    '    | extend Kind = "day"),',
    '    (_events',
    '    | where isnotempty(IP)',
    '    | summarize Count = count(), Locations = make_set(Location, 5) by Key = IP',
    `    | top ${ranking} by Count desc`,
    '    | extend Kind = "ip"),',
    '    (_events',
    '    | where isnotempty(Resource)',
    '    | summarize Count = count() by Key = Resource',
    `    | top ${ranking} by Count desc`,
    '    | extend Kind = "target"),',
    // True sizes beside the capped rankings, so "… and N more" is exact (distinct, not dcount: dcount estimates).
    '    (_events',
    '    | where isnotempty(IP)',
    '    | distinct IP',
    '    | summarize Count = count()',
    '    | extend Kind = "total", Key = "ips"),',
    '    (_events',
    '    | where isnotempty(Resource)',
    '    | distinct Resource',
    '    | summarize Count = count()',
    '    | extend Kind = "total", Key = "resources"),',
    '    (_events',
    '    | where Source == "SigninLogs"',
    '    | summarize Count = count() by Key = Status',
    '    | extend Kind = "signin"),',
    '    (_events',
    '    | where Source == "BehaviorAnalytics"',
    '    | mv-expand Key = bag_keys(Insights) to typeof(string)',
    '    | where tostring(Insights[Key]) =~ "true"',
    '    | summarize Count = count() by Source, Action, Key',
    '    | extend Kind = "insight"),',
    '    (_events',
    '    | where isnotempty(ObjectId) or isnotempty(DisplayName)',
    '    | summarize Count = count(), Last = max(TimeGenerated) by DisplayName, ObjectId',
    '    | extend Kind = "identity"),',
    '    (_events',
    `    | top ${recent} by TimeGenerated desc`,
    '    | project Kind = "event", TimeGenerated, Source, Action, Target, IP, Status)',
  ].join('\n');
}
