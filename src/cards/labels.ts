import { describeSigninCode, holdsSigninCodes } from './signin-codes';

/** Column names the shipped rules and Sentinel's own use, in words a responder reads. */
const KNOWN: Readonly<Record<string, string>> = {
  MachineKind: 'Machine kind',
  EventMessage: 'Azure operation',
  InvestigationPrio: 'Investigation priority',
  InvestigationPriority: 'Investigation priority',
  SourceLocation: 'Source location',
  SourceIPLocation: 'Source location',
  SourceIPAddress: 'Source IP',
  IPAddress: 'IP address',
  UserPrincipalName: 'User',
  UserDisplayName: 'Display name',
  DisplayName: 'Display name',
  AadUserId: 'Entra object ID',
  UserId: 'Entra object ID',
  ObjectGuid: 'Object ID',
  FullName: 'Account',
  UPNSuffix: 'Domain',
  NTDomain: 'NT domain',
  DnsDomain: 'DNS domain',
  HostName: 'Host name',
  ResourceId: 'Resource ID',
  AppDisplayName: 'Application',
  FailureCodes: 'Failure codes',
  ResultType: 'Result',
  IP: 'IP address',
  AzureResource: 'Azure resource',
};

/** "FailedAttempts" → "Failed attempts", "MachineKind" → "Machine kind"; known names as listed above. */
export function humanLabel(key: string): string {
  return KNOWN[key] ?? camelCaseWords(key);
}

/** A CamelCase or snake_case name as a phrase: "FirstTimeUserPerformedAction" → "First time user performed action"; acronyms kept. */
export function camelCaseWords(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w, i) => (/^[A-Z0-9]{2,}$/.test(w) ? w : i === 0 ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()));
  return words.length > 0 ? words.join(' ') : key;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A value that is one point in time, as a Date; undefined otherwise. */
export function asPointInTime(value: string): Date | undefined {
  if (!ISO_TIME.test(value.trim())) return undefined;
  const d = new Date(value.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function parsed(value: string): unknown {
  const t = value.trim();
  if (!(t.startsWith('[') && t.endsWith(']')) && !(t.startsWith('{') && t.endsWith('}'))) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

function itemText(item: unknown, codes: boolean): string {
  if (item === null || item === undefined) return '';
  if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
    const s = String(item);
    return codes ? describeSigninCode(s) : s;
  }
  if (Array.isArray(item))
    return item
      .map((i) => itemText(i, codes))
      .filter((s) => s !== '')
      .join(', ');
  return Object.entries(item as Record<string, unknown>)
    .map(([k, v]) => [humanLabel(k), itemText(v, codes || holdsSigninCodes(k))] as const)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

/**
 * A custom detail as a person reads it: a JSON array as a list ("50126 — invalid
 * username or password, 50053 — …"), an object as "Key: value; …", a lone
 * result code in words; anything else as it is.
 */
export function readableValue(label: string, value: string): string {
  const codes = holdsSigninCodes(label);
  const v = parsed(value);
  if (typeof v === 'string') return codes && /^\d+$/.test(v.trim()) ? describeSigninCode(v) : v;
  return itemText(v, codes);
}
