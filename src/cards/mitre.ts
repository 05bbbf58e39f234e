/** Names of the techniques FirstWatch's detections use most; others show their id only. */
const NAMES: Readonly<Record<string, string>> = {
  'T1021.008': 'Remote Services: Direct Cloud VM Connections',
  T1651: 'Cloud Administration Command',
  T1078: 'Valid Accounts',
  'T1078.004': 'Valid Accounts: Cloud Accounts',
  T1098: 'Account Manipulation',
  T1059: 'Command and Scripting Interpreter',
  T1110: 'Brute Force',
  T1526: 'Cloud Service Discovery',
};

const TECHNIQUE = /^T(\d{4})(?:\.(\d{3}))?$/;

export interface TechniqueRef {
  id: string;
  name?: string;
  /** Absent when the id is not a MITRE technique id (then it is shown as text only). */
  url?: string;
}

/** T1021.008 → https://attack.mitre.org/techniques/T1021/008/ */
export function techniqueRef(raw: string): TechniqueRef {
  const id = raw.trim().toUpperCase();
  const m = TECHNIQUE.exec(id);
  if (!m) return { id: raw.trim() };
  const url = `https://attack.mitre.org/techniques/T${m[1]}/${m[2] !== undefined ? `${m[2]}/` : ''}`;
  const name = NAMES[id];
  return name !== undefined ? { id, name, url } : { id, url };
}
