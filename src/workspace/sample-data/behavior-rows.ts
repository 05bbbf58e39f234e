import type { Row } from '../../kql/types';
import type { SampleEntities, SampleMachine, SampleUser } from './entities';
import type { ArmOperation } from './operations';
import type { UebaEncoding } from './planted';
import type { Prng } from './prng';

interface Specific {
  ActionType: string;
  ActivityType: string;
  EventSource: string;
  SourceIPLocation: string;
  DestinationDevice: string;
  DestinationIPAddress: string;
  TargetName: string;
  NativeTableName: string;
  InvestigationPriority: number;
  ActivityInsights: Record<string, unknown>;
}

const NO_DEVICE_INSIGHTS = Object.freeze({});
const USERS_INSIGHTS = new WeakMap<SampleUser, Readonly<Record<string, unknown>>>();

/** Shared and frozen per user: bulk generation is bound by allocation, and nobody may edit a stored row. */
function usersInsights(user: SampleUser): Readonly<Record<string, unknown>> {
  let v = USERS_INSIGHTS.get(user);
  if (!v) {
    v = Object.freeze({
      AccountDisplayName: user.displayName,
      AccountObjectID: user.objectId,
      AccountUPNSuffix: 'contoso.com',
      IsDormantAccount: false,
    });
    USERS_INSIGHTS.set(user, v);
  }
  return v;
}

/** One BehaviorAnalytics row, built as a single literal in column order (spreads made bulk generation GC-bound). */
function behaviorRow(ent: SampleEntities, user: SampleUser, tg: Date, ingested: Date, sourceRecordId: string, s: Specific): Row {
  return {
    TimeGenerated: tg,
    TimeProcessed: new Date(Math.max(tg.getTime(), ingested.getTime() - 60_000)),
    SourceRecordId: sourceRecordId,
    UserPrincipalName: user.upn,
    UserName: user.upn.split('@')[0],
    ActorName: user.displayName,
    ActorPrincipalName: user.upn,
    ActionType: s.ActionType,
    ActivityType: s.ActivityType,
    EventSource: s.EventSource,
    EventVendor: 'Microsoft',
    EventProductVersion: '',
    SourceIPAddress: user.ip,
    SourceIPLocation: s.SourceIPLocation,
    SourceDevice: '',
    DestinationDevice: s.DestinationDevice,
    DestinationIPAddress: s.DestinationIPAddress,
    DestinationIPLocation: '',
    Device: '',
    TargetName: s.TargetName,
    TargetPrincipalName: '',
    NativeTableName: s.NativeTableName,
    InvestigationPriority: s.InvestigationPriority,
    ActivityInsights: s.ActivityInsights,
    UsersInsights: usersInsights(user),
    DevicesInsights: NO_DEVICE_INSIGHTS,
    TenantId: ent.tenantId,
    Type: 'BehaviorAnalytics',
  };
}

function flag(value: boolean, form: UebaEncoding['firstTime']): string | boolean {
  return form === 'string' ? (value ? 'True' : 'False') : value;
}

/** A UEBA row for an ARM operation (NativeTableName AzureActivity). */
export function armBehaviorRow(
  ent: SampleEntities,
  user: SampleUser,
  op: ArmOperation,
  machine: SampleMachine | undefined,
  times: { tg: Date; ingested: Date },
  sourceRecordId: string,
  insight: { firstTime: boolean; uncommon: boolean; encoding: UebaEncoding; priority: number },
): Row {
  const activity: Record<string, unknown> = {
    FirstTimeUserPerformedAction: flag(insight.firstTime, insight.encoding.firstTime),
    ActionUncommonlyPerformedByUser: flag(insight.uncommon, insight.encoding.firstTime),
    ActionUncommonlyPerformedAmongPeers: flag(insight.uncommon && insight.firstTime, insight.encoding.firstTime),
    FirstTimeActionPerformedInTenant: flag(false, insight.encoding.firstTime),
  };
  if (insight.encoding.eventMessage) activity.EventMessage = op.operation;
  return behaviorRow(ent, user, times.tg, times.ingested, sourceRecordId, {
    ActionType: op.displayName,
    ActivityType: 'Administrative',
    EventSource: 'Azure',
    SourceIPLocation: user.country,
    DestinationDevice: machine?.name ?? '',
    DestinationIPAddress: machine?.ip ?? '',
    TargetName: '',
    NativeTableName: 'AzureActivity',
    InvestigationPriority: insight.priority,
    ActivityInsights: activity,
  });
}

/** A UEBA row for an Entra ID sign-in (NativeTableName SigninLogs). */
export function signinBehaviorRow(
  prng: Prng,
  ent: SampleEntities,
  user: SampleUser,
  times: { tg: Date; ingested: Date },
  sourceRecordId: string,
): Row {
  const failed = prng.chance(0.12);
  const newCountry = prng.chance(0.04);
  const asString = prng.chance(0.5);
  const f = (v: boolean): string | boolean => (asString ? (v ? 'True' : 'False') : v);
  const country = newCountry ? prng.pick(['BR', 'RU', 'NG', 'CN']) : user.country;
  const targetName = prng.pick(['Azure Portal', 'Microsoft Teams', 'Office 365 Exchange Online', 'Microsoft Azure CLI']);
  const priority = newCountry ? prng.int(3, 7) : prng.int(0, 2);
  return behaviorRow(ent, user, times.tg, times.ingested, sourceRecordId, {
    ActionType: failed ? 'FailedLogOn' : 'Sign-in',
    ActivityType: failed ? 'FailedLogOn' : 'LogOn',
    EventSource: 'AzureActiveDirectory',
    SourceIPLocation: country,
    DestinationDevice: '',
    DestinationIPAddress: '',
    TargetName: targetName,
    NativeTableName: 'SigninLogs',
    InvestigationPriority: priority,
    ActivityInsights: {
      FirstTimeUserConnectedFromCountry: f(newCountry),
      CountryUncommonlyConnectedFromByUser: f(newCountry),
      FirstTimeUserUsedApp: f(prng.chance(0.03)),
      ActionUncommonlyPerformedByUser: f(false),
    },
  });
}
