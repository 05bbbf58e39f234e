import { camelCaseWords } from './labels';
/** UEBA insight keys in words; unknown keys are split from their CamelCase. */
const KNOWN: Readonly<Record<string, string>> = {
  FirstTimeUserPerformedAction: 'First time this user performed this action',
  ActionUncommonlyPerformedByUser: 'Action uncommonly performed by this user',
  ActionUncommonlyPerformedAmongPeers: "Action uncommonly performed among the user's peers",
  FirstTimeActionPerformedInTenant: 'First time this action was performed in the tenant',
  ActionUncommonlyPerformedInTenant: 'Action uncommonly performed in the tenant',
  FirstTimeUserConnectedFromCountry: 'First time this user connected from this country',
  CountryUncommonlyConnectedFromByUser: 'Country uncommonly connected from by this user',
  CountryUncommonlyConnectedFromAmongPeers: "Country uncommonly connected from among the user's peers",
  CountryUncommonlyConnectedFromInTenant: 'Country uncommonly connected from in the tenant',
  FirstTimeUserConnectedViaISP: 'First time this user connected via this ISP',
  ISPUncommonlyUsedByUser: 'ISP uncommonly used by this user',
  ISPUncommonlyUsedAmongPeers: "ISP uncommonly used among the user's peers",
  FirstTimeUserAccessedResource: 'First time this user accessed this resource',
  ResourceUncommonlyAccessedByUser: 'Resource uncommonly accessed by this user',
  ResourceUncommonlyAccessedAmongPeers: "Resource uncommonly accessed among the user's peers",
  FirstTimeUserUsedApp: 'First time this user used this app',
  AppUncommonlyUsedByUser: 'App uncommonly used by this user',
  FirstTimeUserConnectedFromDevice: 'First time this user connected from this device',
  DeviceUncommonlyUsedByUser: 'Device uncommonly used by this user',
  FirstTimeUserLoggedOnToDevice: 'First time this user logged on to this device',
  FirstTimeDeviceObserved: 'First time this device was observed',
  IsDormantAccount: 'Dormant account',
  IsNewAccount: 'New account',
  IsLocalAdmin: 'Local administrator',
};

/** "FirstTimeUserPerformedAction" → "First time this user performed this action". */
export function humaniseInsight(key: string): string {
  return KNOWN[key] ?? camelCaseWords(key);
}

/** First-time insights lead (they are why most UEBA rules fire), then the uncommon ones, then the rest, each group in its order. */
export function insightOrder(key: string): number {
  if (key.startsWith('FirstTime')) return 0;
  if (key.includes('Uncommon')) return 1;
  return 2;
}
