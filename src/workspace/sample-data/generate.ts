import type { Column, Row, Table } from '../../kql/types';
import { sampleEntities, type SampleEntities, type SampleMachine, type SampleUser } from './entities';
import { activityRows } from './activity-rows';
import { armBehaviorRow, signinBehaviorRow } from './behavior-rows';
import { MECHANISMS, ORDINARY_OPERATIONS, operationFor, type ArmOperation } from './operations';
import { planted, type PlantedCase } from './planted';
import { Prng } from './prng';
import { SAMPLE_TABLE_COLUMNS } from './schemas';
import { signinBurst, type PlantedSigninBurst } from './signin-burst';
import { sampleIncidents, type SampleIncident } from './incidents';

/** A table whose every row has an ingestion time. */
export type IngestedTable = Table & { ingestionTimes: Date[] };

export interface SampleDataOptions {
  /** Default 1. */
  seed?: number;
  /** What the data is relative to; rows are ingested no later than this. Default: the current time. */
  now?: Date;
  /** How many days of history, default 7 (1–90). */
  days?: number;
  /** Multiplies the daily volume, default 1 (about 2,000 rows a day over the four tables). */
  scale?: number;
}

export interface SampleData {
  seed: number;
  now: Date;
  tables: IngestedTable[];
  planted: PlantedCase[];
  /** The planted case of the sign-in burst rule (detections/suspicious-signin-burst.yaml). */
  signinBurst: PlantedSigninBurst;
  /** The Sentinel incidents of the planted hits (also in SecurityIncident), for the local incident endpoints. */
  incidents: SampleIncident[];
}

/** The embedded workspace's id (the local server's default). */
const SAMPLE_WORKSPACE_ID = '00000000-0000-0000-0000-000000000000';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Typical ingestion delays per table, in minutes, and how often a row arrives hours late. */
const DELAY: Record<string, { min: number; max: number; lateShare: number }> = {
  BehaviorAnalytics: { min: 8, max: 40, lateShare: 0.04 },
  AzureActivity: { min: 2, max: 8, lateShare: 0.01 },
  SigninLogs: { min: 1, max: 6, lateShare: 0.005 },
  AADNonInteractiveUserSignInLogs: { min: 2, max: 10, lateShare: 0.005 },
  IdentityInfo: { min: 5, max: 30, lateShare: 0 },
  AuditLogs: { min: 1, max: 12, lateShare: 0.005 },
};

class TableBuilder {
  private readonly items: Array<{ row: Row; tg: Date; ingested: Date; order: number }> = [];

  constructor(
    readonly name: string,
    private readonly columns: Column[],
    private readonly now: Date,
  ) {}

  /** Adds a row unless it would be ingested after `now` (then it has not arrived yet). */
  add(row: Row, tg: Date, ingested: Date): void {
    if (ingested.getTime() > this.now.getTime()) return;
    this.items.push({ row, tg, ingested, order: this.items.length });
  }

  build(): IngestedTable {
    const sorted = [...this.items].sort((a, b) => a.tg.getTime() - b.tg.getTime() || a.order - b.order);
    return {
      name: this.name,
      columns: this.columns.map((c) => ({ ...c })),
      rows: sorted.map((i) => i.row),
      ingestionTimes: sorted.map((i) => i.ingested),
    };
  }
}

function delayFor(prng: Prng, table: string): number {
  const d = DELAY[table];
  if (prng.chance(d.lateShare)) return prng.int(2 * 60, 5 * 60) * MINUTE;
  return prng.int(d.min * 60, d.max * 60) * 1000;
}

function validateOptions(opts: SampleDataOptions): { seed: number; now: Date; days: number; scale: number } {
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in 0..4294967295, got ${seed}`);
  const now = opts.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new Error('now must be a valid Date');
  const days = opts.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new Error(`days must be an integer in 1..90, got ${days}`);
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 50) throw new Error(`scale must be a number in (0, 50], got ${scale}`);
  return { seed, now: new Date(now.getTime()), days, scale };
}

/** Users who run commands on machines routinely; their history is never a first time. */
const OPERATORS = ['heidi@contoso.com', 'ivan@contoso.com', 'judy@contoso.com'];

/**
 * The sample workspace: BehaviorAnalytics, AzureActivity, SigninLogs and AuditLogs for contoso.com,
 * deterministic for a seed and relative to `now`, with the planted cases of `planted(now, seed)`.
 */
export function generateSampleData(options: SampleDataOptions = {}): SampleData {
  const { seed, now, days, scale } = validateOptions(options);
  const ent = sampleEntities(seed);
  const prng = Prng.derive(seed, 'noise');
  const ba = new TableBuilder('BehaviorAnalytics', SAMPLE_TABLE_COLUMNS.BehaviorAnalytics, now);
  const aa = new TableBuilder('AzureActivity', SAMPLE_TABLE_COLUMNS.AzureActivity, now);
  const si = new TableBuilder('SigninLogs', SAMPLE_TABLE_COLUMNS.SigninLogs, now);
  const au = new TableBuilder('AuditLogs', SAMPLE_TABLE_COLUMNS.AuditLogs, now);
  const ni = new TableBuilder('AADNonInteractiveUserSignInLogs', SAMPLE_TABLE_COLUMNS.AADNonInteractiveUserSignInLogs, now);
  const ii = new TableBuilder('IdentityInfo', SAMPLE_TABLE_COLUMNS.IdentityInfo, now);
  const span = days * 24 * HOUR;
  const randomTime = (): Date => new Date(now.getTime() - Math.floor(prng.next() * span));
  const ingest = (table: string, tg: Date): Date => new Date(tg.getTime() + delayFor(prng, table));
  const perDay = (n: number): number => Math.round(n * days * scale);
  const operators = ent.users.filter((u) => OPERATORS.includes(u.upn));
  const others = ent.users.filter((u) => !OPERATORS.includes(u.upn));

  // Ordinary ARM operations by people and service principals, some with a UEBA row.
  for (let i = 0; i < perDay(220); i++) {
    const op = prng.pick(ORDINARY_OPERATIONS);
    const machine = op.machineKind ? prng.pick(ent.machines.filter((m) => m.kind === op.machineKind)) : undefined;
    const byPerson = prng.chance(0.75);
    const user = prng.pick(others);
    const time = randomTime();
    const rows = activityRows(ent, {
      caller: byPerson ? user.upn : prng.pick(ent.servicePrincipals),
      callerIp: byPerson ? user.ip : `20.${prng.int(1, 254)}.${prng.int(1, 254)}.${prng.int(1, 254)}`,
      op,
      machine,
      time,
      correlationId: prng.guid(),
      otherResourceId: otherResource(prng, ent, op),
      failed: prng.chance(0.05),
      upperCaseValue: prng.chance(0.5),
    });
    const delay = delayFor(prng, 'AzureActivity');
    for (const r of rows) aa.add(r.row, r.tg, new Date(r.tg.getTime() + delay));
    if (byPerson && prng.chance(0.35)) {
      const firstTime = prng.chance(0.1);
      const ingested = ingest('BehaviorAnalytics', time);
      ba.add(
        armBehaviorRow(ent, user, op, machine, { tg: time, ingested }, prng.guid(), {
          firstTime,
          uncommon: firstTime || prng.chance(0.1),
          encoding: { eventMessage: prng.chance(0.5), firstTime: prng.chance(0.5) ? 'string' : 'boolean' },
          priority: firstTime ? prng.int(2, 6) : prng.int(0, 2),
        }),
        time,
        ingested,
      );
    }
  }

  // Operators' routine Run Commands and extension writes: never a first time.
  for (let i = 0; i < perDay(6); i++) {
    const user = prng.pick(operators);
    const op: ArmOperation = MECHANISMS[prng.pick(Object.keys(MECHANISMS) as Array<keyof typeof MECHANISMS>)];
    const machine = prng.pick(ent.machines.filter((m) => m.kind === op.machineKind));
    const time = new Date(now.getTime() - 2 * HOUR - Math.floor(prng.next() * (span - 2 * HOUR)));
    const rows = activityRows(ent, {
      caller: user.upn,
      callerIp: user.ip,
      op,
      machine,
      time,
      correlationId: prng.guid(),
      otherResourceId: machine.resourceId,
    });
    const delay = delayFor(prng, 'AzureActivity');
    for (const r of rows) aa.add(r.row, r.tg, new Date(r.tg.getTime() + delay));
    const ingested = ingest('BehaviorAnalytics', time);
    ba.add(
      armBehaviorRow(ent, user, op, machine, { tg: time, ingested }, prng.guid(), {
        firstTime: false,
        uncommon: false,
        encoding: { eventMessage: prng.chance(0.5), firstTime: prng.chance(0.5) ? 'string' : 'boolean' },
        priority: prng.int(0, 2),
      }),
      time,
      ingested,
    );
  }

  // Sign-ins, with a UEBA row for a share of them.
  for (let i = 0; i < perDay(700); i++) {
    const user = prng.pick(ent.users);
    const tg = randomTime();
    si.add({ TimeGenerated: tg, ...signinRow(prng, user, tg, ent.tenantId) }, tg, ingest('SigninLogs', tg));
    if (prng.chance(0.2)) {
      const ingested = ingest('BehaviorAnalytics', tg);
      ba.add(signinBehaviorRow(prng, ent, user, { tg, ingested }, prng.guid()), tg, ingested);
    }
  }

  // Token refreshes: the same shape as sign-ins, with the nested details as JSON text.
  for (let i = 0; i < perDay(300); i++) {
    const user = prng.pick(ent.users);
    const tg = randomTime();
    ni.add(
      { TimeGenerated: tg, ...nonInteractive(signinRow(prng, user, tg, ent.tenantId)) },
      tg,
      ingest('AADNonInteractiveUserSignInLogs', tg),
    );
  }

  for (let i = 0; i < perDay(200); i++) {
    const tg = randomTime();
    au.add({ TimeGenerated: tg, ...auditRow(prng, ent, tg) }, tg, ingest('AuditLogs', tg));
  }

  // UEBA's identity snapshot: one row per user per day.
  for (let d = 0; d < days; d++) {
    const tg = new Date(now.getTime() - (d + 0.5) * 24 * HOUR);
    ent.users.forEach((user, n) => ii.add(identityRow(user, n, tg, ent.tenantId), tg, ingest('IdentityInfo', tg)));
  }

  const cases = planted(now, seed);
  for (const c of cases) addPlanted(ent, c, ba, aa, prng);
  const burst = signinBurst(now, seed, ent);
  for (const r of burst.rows) si.add(r.row, r.tg, r.ingested);
  const sentinel = sampleIncidents(now, seed, ent, cases, burst.burst, SAMPLE_WORKSPACE_ID);
  const incidents = new TableBuilder('SecurityIncident', SAMPLE_TABLE_COLUMNS.SecurityIncident, now);
  const securityAlerts = new TableBuilder('SecurityAlert', SAMPLE_TABLE_COLUMNS.SecurityAlert, now);
  for (const r of sentinel.incidents) incidents.add(r.row, r.tg, r.ingested);
  for (const r of sentinel.alerts) securityAlerts.add(r.row, r.tg, r.ingested);

  return {
    seed,
    now,
    tables: [ba.build(), aa.build(), si.build(), au.build(), ni.build(), ii.build(), incidents.build(), securityAlerts.build()],
    planted: cases,
    signinBurst: burst.burst,
    incidents: sentinel.resources,
  };
}

function otherResource(prng: Prng, ent: SampleEntities, op: ArmOperation): string {
  const sub = prng.pick(ent.subscriptions);
  const rg = prng.pick(['rg-prod-web', 'rg-prod-data', 'rg-shared-services']);
  const provider = op.operation.split('/').slice(0, 2).join('/');
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${prng.pick(['core', 'edge', 'shared', 'audit'])}${prng.int(1, 9)}`;
}

function addPlanted(ent: SampleEntities, c: PlantedCase, ba: TableBuilder, aa: TableBuilder, prng: Prng): void {
  const user = ent.users.find((u) => u.upn === c.upn) as SampleUser;
  const machine: SampleMachine | undefined = c.machine ? ent.machines.find((m) => m.name === c.machine?.name) : undefined;
  const op = operationFor(c.mechanism);
  ba.add(
    armBehaviorRow(ent, user, op, machine, { tg: c.timeGenerated, ingested: c.ingestionTime }, c.sourceRecordId, {
      firstTime: c.firstTimeUserPerformedAction,
      uncommon: c.firstTimeUserPerformedAction,
      encoding: c.encoding,
      priority: c.firstTimeUserPerformedAction ? 5 : 1,
    }),
    c.timeGenerated,
    c.ingestionTime,
  );
  if (!c.azureActivity || !machine) return;
  // Extension writes appear in upper case in real AzureActivity; classic Run Command in mixed case.
  const upper = c.mechanism === 'custom-script-extension' || c.mechanism === 'arc-extension';
  const rows = activityRows(ent, {
    caller: user.upn,
    callerIp: user.ip,
    op,
    machine,
    time: c.timeGenerated,
    correlationId: c.azureActivity.correlationId,
    otherResourceId: machine.resourceId,
    upperCaseValue: upper,
  });
  const delay = (3 + prng.int(0, 3)) * MINUTE;
  for (const r of rows) aa.add(r.row, r.tg, new Date(Math.min(r.tg.getTime() + delay, c.ingestionTime.getTime())));
}

const SIGNIN_RESULTS: Array<[string, string]> = [
  ['50126', 'Error validating credentials due to invalid username or password.'],
  ['50074', 'Strong Authentication is required.'],
  ['53003', 'Access has been blocked by Conditional Access policies.'],
  ['50053', 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.'],
];

const CITIES: Record<string, [string, string, number, number]> = {
  US: ['Seattle', 'Washington', 47.6, -122.3],
  NL: ['Amsterdam', 'Noord-Holland', 52.37, 4.9],
  GB: ['London', 'England', 51.5, -0.12],
  DE: ['Berlin', 'Berlin', 52.52, 13.4],
  IN: ['Bengaluru', 'Karnataka', 12.97, 77.59],
  BR: ['Sao Paulo', 'Sao Paulo', -23.55, -46.63],
  RU: ['Moscow', 'Moscow', 55.75, 37.61],
  NG: ['Lagos', 'Lagos', 6.52, 3.37],
  CN: ['Shanghai', 'Shanghai', 31.23, 121.47],
};

const MFA_RESULTS = ['MFA successfully completed', 'MFA denied; user declined the authentication', 'MFA completed in Azure AD'];

function signinRow(prng: Prng, user: SampleUser, tg: Date, tenantId: string): Row {
  const failed = prng.chance(0.12);
  const [code, description] = failed ? prng.pick(SIGNIN_RESULTS) : ['0', ''];
  const away = prng.chance(0.03);
  const country = away ? prng.pick(['BR', 'RU', 'NG', 'CN']) : user.country;
  const [city, state, latitude, longitude] = CITIES[country];
  const app = prng.pick(SIGNIN_APPS);
  const mfa = prng.chance(0.3);
  const caFailed = code === '53003';
  return {
    CreatedDateTime: tg,
    UserPrincipalName: user.upn,
    UserDisplayName: user.displayName,
    UserId: user.objectId,
    Identity: user.displayName,
    UserType: 'Member',
    Id: prng.guid(),
    CorrelationId: prng.guid(),
    OperationName: 'Sign-in activity',
    Category: 'SignInLogs',
    DeviceDetail: {
      displayName: `${user.upn.split('@')[0]}-laptop`,
      operatingSystem: prng.pick(['Windows 11', 'MacOs', 'iOS']),
      browser: 'Edge 131',
    },
    IPAddress: away ? `${prng.int(100, 200)}.${prng.int(1, 254)}.${prng.int(1, 254)}.${prng.int(1, 254)}` : user.ip,
    Location: country,
    LocationDetails: { city, state, countryOrRegion: country, geoCoordinates: { latitude, longitude } },
    ResultType: code,
    ResultDescription: description,
    Status: failed
      ? { errorCode: Number(code), failureReason: description, additionalDetails: description }
      : { errorCode: 0, additionalDetails: mfa ? 'MFA completed in Azure AD' : '' },
    AppDisplayName: app[0],
    AppId: app[1],
    ResourceDisplayName: app[2],
    ClientAppUsed: prng.pick(['Browser', 'Browser', 'Mobile Apps and Desktop clients']),
    UserAgent: prng.pick([
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/131.0',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1',
      'Microsoft Authentication Broker',
    ]),
    ConditionalAccessStatus: caFailed ? 'failure' : prng.pick(['success', 'success', 'notApplied']),
    ConditionalAccessPolicies: [{ id: 'ca-0001', displayName: 'Require MFA for admins', result: caFailed ? 'failure' : 'success' }],
    AuthenticationRequirement: mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    AuthenticationDetails: JSON.stringify(
      mfa
        ? [
            { authenticationMethod: 'Password', succeeded: true },
            { authenticationMethod: 'Mobile app notification', authenticationStepResultDetail: prng.pick(MFA_RESULTS) },
          ]
        : [{ authenticationMethod: 'Password', succeeded: !failed }],
    ),
    IsInteractive: true,
    RiskLevelDuringSignIn: away ? prng.pick(['medium', 'high']) : 'none',
    AADTenantId: tenantId,
    TenantId: tenantId,
    Type: 'SigninLogs',
  };
}

const SIGNIN_APPS: Array<[string, string, string]> = [
  ['Azure Portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Windows Azure Service Management API'],
  ['Microsoft Teams', '1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams Services'],
  ['Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  ['Microsoft Azure CLI', '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Windows Azure Service Management API'],
  ['Azure Virtual Desktop', '9cdead84-a844-4324-93f2-b2e6bb768d07', 'Windows Virtual Desktop'],
];

/** A sign-in row as AADNonInteractiveUserSignInLogs stores it: the nested details are JSON text. */
function nonInteractive(row: Row): Row {
  const text = (v: unknown): string => JSON.stringify(v ?? null);
  return {
    ...row,
    DeviceDetail: text(row.DeviceDetail),
    LocationDetails: text(row.LocationDetails),
    Status: text(row.Status),
    ConditionalAccessPolicies: text(row.ConditionalAccessPolicies),
    IsInteractive: false,
    Type: 'AADNonInteractiveUserSignInLogs',
  };
}

function identityRow(user: SampleUser, n: number, tg: Date, tenantId: string): Row {
  const admin = n % 4 === 0;
  return {
    TimeGenerated: tg,
    AccountObjectId: user.objectId,
    AccountUPN: user.upn,
    AccountName: user.upn.split('@')[0],
    AccountDisplayName: user.displayName,
    AccountDomain: 'contoso.com',
    AssignedRoles: admin ? ['Global Administrator'] : [],
    GroupMembership: admin ? ['Admins', 'All Staff'] : ['All Staff'],
    Tags: [],
    JobTitle: admin ? 'Cloud administrator' : 'Engineer',
    Department: admin ? 'IT' : 'Engineering',
    UserType: 'Member',
    IsAccountEnabled: true,
    BlastRadius: admin ? 'High' : 'Low',
    TenantId: tenantId,
    Type: 'IdentityInfo',
  };
}

const AUDIT_OPERATIONS: Array<[string, string]> = [
  ['Add member to role', 'RoleManagement'],
  ['Update user', 'UserManagement'],
  ['Reset user password', 'UserManagement'],
  ['Add service principal credentials', 'ApplicationManagement'],
  ['Consent to application', 'ApplicationManagement'],
  ['Add member to group', 'GroupManagement'],
  ['Update conditional access policy', 'Policy'],
];

/** AADOperationType as Entra ID writes it for each kind of operation. */
function aadOperationType(operation: string): string {
  if (/^Add /.test(operation)) return 'Add';
  if (/^(Delete|Remove) /.test(operation)) return 'Delete';
  if (/^Consent /.test(operation)) return 'Assign';
  return 'Update';
}

function auditRow(prng: Prng, ent: SampleEntities, tg: Date): Row {
  const actor = prng.pick(ent.users);
  const target = prng.pick(ent.users);
  const [operation, category] = prng.pick(AUDIT_OPERATIONS);
  return {
    ActivityDateTime: tg,
    Id: prng.guid(),
    OperationName: operation,
    ActivityDisplayName: operation,
    OperationVersion: '1.0',
    Category: category,
    Result: prng.chance(0.95) ? 'success' : 'failure',
    InitiatedBy: { user: { userPrincipalName: actor.upn, id: actor.objectId, ipAddress: actor.ip } },
    TargetResources: [
      { id: target.objectId, displayName: target.displayName, type: 'User', userPrincipalName: target.upn, modifiedProperties: [] },
    ],
    AdditionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/131.0' }],
    CorrelationId: prng.guid(),
    LoggedByService: 'Core Directory',
    AADOperationType: aadOperationType(operation),
    AADTenantId: ent.tenantId,
    TenantId: ent.tenantId,
    Type: 'AuditLogs',
  };
}
