import type { Row } from '../../kql/types';
import type { SampleEntities, SampleMachine, SampleUser } from './entities';
import type { ArmOperation } from './operations';
import type { UebaEncoding } from './planted';
import type { Prng } from './prng';

/** Values shared by every BehaviorAnalytics row we write. */
function base(ent: SampleEntities, user: SampleUser, tg: Date, ingested: Date, sourceRecordId: string): Row {
  return {
    TimeGenerated: tg,
    TimeProcessed: new Date(Math.max(tg.getTime(), ingested.getTime() - 60_000)),
    SourceRecordId: sourceRecordId,
    UserPrincipalName: user.upn,
    UserName: user.upn.split('@')[0],
    ActorName: user.displayName,
    ActorPrincipalName: user.upn,
    EventVendor: 'Microsoft',
    EventProductVersion: '',
    SourceIPAddress: user.ip,
    SourceIPLocation: user.country,
    SourceDevice: '',
    DestinationDevice: '',
    DestinationIPAddress: '',
    DestinationIPLocation: '',
    Device: '',
    TargetName: '',
    TargetPrincipalName: '',
    UsersInsights: { AccountDisplayName: user.displayName, AccountObjectID: user.objectId, AccountUPNSuffix: 'contoso.com', IsDormantAccount: false },
    DevicesInsights: {},
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
  return {
    ...base(ent, user, times.tg, times.ingested, sourceRecordId),
    ActionType: op.displayName,
    ActivityType: 'Administrative',
    EventSource: 'Azure',
    DestinationDevice: machine?.name ?? '',
    DestinationIPAddress: machine?.ip ?? '',
    NativeTableName: 'AzureActivity',
    InvestigationPriority: insight.priority,
    ActivityInsights: activity,
  };
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
  return {
    ...base(ent, user, times.tg, times.ingested, sourceRecordId),
    ActionType: failed ? 'FailedLogOn' : 'Sign-in',
    ActivityType: failed ? 'FailedLogOn' : 'LogOn',
    EventSource: 'AzureActiveDirectory',
    SourceIPLocation: country,
    TargetName: prng.pick(['Azure Portal', 'Microsoft Teams', 'Office 365 Exchange Online', 'Microsoft Azure CLI']),
    NativeTableName: 'SigninLogs',
    InvestigationPriority: newCountry ? prng.int(3, 7) : prng.int(0, 2),
    ActivityInsights: {
      FirstTimeUserConnectedFromCountry: f(newCountry),
      CountryUncommonlyConnectedFromByUser: f(newCountry),
      FirstTimeUserUsedApp: f(prng.chance(0.03)),
      ActionUncommonlyPerformedByUser: f(false),
    },
  };
}
