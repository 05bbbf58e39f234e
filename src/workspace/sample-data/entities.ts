import { Prng } from './prng';

export const DOMAIN = 'contoso.com';

export interface SampleUser {
  upn: string;
  displayName: string;
  objectId: string;
  /** Where the user usually signs in from (ISO country code). */
  country: string;
  ip: string;
}

export interface SampleMachine {
  name: string;
  kind: 'azure-vm' | 'arc';
  subscriptionId: string;
  resourceGroup: string;
  /** The ARM id as Azure spells it (mixed case). */
  resourceId: string;
  ip: string;
}

export interface SampleEntities {
  tenantId: string;
  users: SampleUser[];
  /** Service principals that show up as AzureActivity callers (object ids). */
  servicePrincipals: string[];
  subscriptions: string[];
  machines: SampleMachine[];
}

const PEOPLE: Array<[string, string]> = [
  ['alice', 'Alice Johnson'],
  ['bob', 'Bob Smith'],
  ['carol', 'Carol Martinez'],
  ['dave', 'Dave Wilson'],
  ['erin', 'Erin Brown'],
  ['frank', 'Frank Miller'],
  ['grace', 'Grace Lee'],
  ['heidi', 'Heidi Schmidt'],
  ['ivan', 'Ivan Petrov'],
  ['judy', 'Judy Clark'],
  ['mallory', 'Mallory Evans'],
  ['niaj', 'Niaj Patel'],
  ['olivia', 'Olivia Green'],
  ['peggy', 'Peggy Adams'],
  ['rupert', 'Rupert Hall'],
  ['sybil', 'Sybil Young'],
  ['trent', 'Trent King'],
  ['victor', 'Victor Wright'],
  ['walter', 'Walter Scott'],
  ['xavier', 'Xavier Lopez'],
  ['yolanda', 'Yolanda Hill'],
  ['zoe', 'Zoe Baker'],
  ['aaron', 'Aaron Nelson'],
  ['bianca', 'Bianca Rossi'],
  ['chen', 'Chen Wei'],
  ['dmitri', 'Dmitri Ivanov'],
  ['elena', 'Elena Garcia'],
  ['farah', 'Farah Khan'],
  ['gustav', 'Gustav Berg'],
  ['hana', 'Hana Sato'],
  ['isla', 'Isla Murphy'],
  ['jonas', 'Jonas Weber'],
];

const COUNTRIES = ['US', 'US', 'US', 'NL', 'GB', 'DE', 'IN'];

const RESOURCE_GROUPS = ['rg-prod-web', 'rg-prod-data', 'rg-dev', 'rg-shared-services', 'rg-arc-onprem'];

const AZURE_VMS = [
  'vm-web-01',
  'vm-web-02',
  'vm-web-03',
  'vm-web-04',
  'vm-db-01',
  'vm-db-02',
  'vm-app-01',
  'vm-app-02',
  'vm-app-03',
  'vm-jump-01',
  'vm-build-01',
  'vm-build-02',
  'vm-dc-01',
  'vm-dc-02',
  'vm-dev-01',
  'vm-dev-02',
  'vm-dev-03',
  'vm-sql-01',
  'vm-sql-02',
  'vm-file-01',
];

const ARC_MACHINES = [
  'arc-srv-01',
  'arc-srv-02',
  'arc-srv-03',
  'arc-srv-04',
  'arc-linux-01',
  'arc-linux-02',
  'arc-hyperv-01',
  'arc-hyperv-02',
];

function ipFor(prng: Prng, country: string): string {
  const firstOctet: Record<string, number> = { US: 52, NL: 145, GB: 81, DE: 91, IN: 49, BR: 177, RU: 95, CN: 116, NG: 105 };
  return `${firstOctet[country] ?? 20}.${prng.int(1, 254)}.${prng.int(1, 254)}.${prng.int(1, 254)}`;
}

export function machineResourceId(subscriptionId: string, resourceGroup: string, kind: SampleMachine['kind'], name: string): string {
  const type = kind === 'azure-vm' ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines';
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`;
}

/** The fixed cast of contoso.com: names are constant, ids and addresses follow the seed. */
export function sampleEntities(seed: number): SampleEntities {
  const prng = Prng.derive(seed, 'entities');
  const tenantId = prng.guid();
  const users = PEOPLE.map(([alias, displayName]) => {
    const country = prng.pick(COUNTRIES);
    return { upn: `${alias}@${DOMAIN}`, displayName, objectId: prng.guid(), country, ip: ipFor(prng, country) };
  });
  const servicePrincipals = [prng.guid(), prng.guid(), prng.guid()];
  const subscriptions = [prng.guid(), prng.guid(), prng.guid()];
  const machines: SampleMachine[] = [];
  for (const name of AZURE_VMS) {
    const subscriptionId = prng.pick(subscriptions);
    const resourceGroup = prng.pick(RESOURCE_GROUPS.slice(0, 4));
    machines.push({
      name,
      kind: 'azure-vm',
      subscriptionId,
      resourceGroup,
      resourceId: machineResourceId(subscriptionId, resourceGroup, 'azure-vm', name),
      ip: `10.${prng.int(0, 9)}.${prng.int(0, 255)}.${prng.int(4, 250)}`,
    });
  }
  for (const name of ARC_MACHINES) {
    const subscriptionId = subscriptions[0];
    const resourceGroup = 'rg-arc-onprem';
    machines.push({
      name,
      kind: 'arc',
      subscriptionId,
      resourceGroup,
      resourceId: machineResourceId(subscriptionId, resourceGroup, 'arc', name),
      ip: `192.168.${prng.int(0, 20)}.${prng.int(4, 250)}`,
    });
  }
  return { tenantId, users, servicePrincipals, subscriptions, machines };
}
