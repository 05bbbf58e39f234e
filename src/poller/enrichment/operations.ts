import type { AlertTarget } from '../../alerts/types';

/** The AzureActivity operations behind a Run Command or an extension deployment, and what to call them. */
export interface VmOperation {
  /** OperationNameValue, upper-cased as AzureActivity writes it. */
  operation: string;
  kind: NonNullable<AlertTarget['kind']>;
  mechanism: string;
}

export const VM_OPERATIONS: readonly VmOperation[] = [
  { operation: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION', kind: 'azure-vm', mechanism: 'Run Command' },
  { operation: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMANDS/WRITE', kind: 'azure-vm', mechanism: 'Managed Run Command' },
  { operation: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE', kind: 'azure-vm', mechanism: 'VM extension' },
  { operation: 'MICROSOFT.HYBRIDCOMPUTE/MACHINES/RUNCOMMANDS/WRITE', kind: 'arc-machine', mechanism: 'Run Command' },
  { operation: 'MICROSOFT.HYBRIDCOMPUTE/MACHINES/EXTENSIONS/WRITE', kind: 'arc-machine', mechanism: 'VM extension' },
];

export function findOperation(operation: string): VmOperation | undefined {
  const upper = operation.toUpperCase();
  return VM_OPERATIONS.find((op) => op.operation === upper);
}

/**
 * Which operation family a hit names, from UEBA's EventMessage
 * ("Microsoft.Compute/virtualMachines/runCommand/action") or its ActionType
 * ("Run Command on Virtual Machine"). Undefined when it says neither.
 */
export function operationFamily(text: string): 'runcommand' | 'runcommands' | 'extension' | undefined {
  const t = text.toLowerCase();
  // "Create or Update … Run Command" is the display name of the runCommands resource (managed and Arc).
  if (t.includes('runcommands/write') || t.includes('managed run command') || /create or update [a-z ]*run command/.test(t)) {
    return 'runcommands';
  }
  if (t.includes('runcommand/action') || t.includes('run command')) return 'runcommand';
  if (t.includes('extensions/write') || t.includes('extension')) return 'extension';
  return undefined;
}

export function familyOf(op: VmOperation): 'runcommand' | 'runcommands' | 'extension' {
  if (op.operation.endsWith('/RUNCOMMAND/ACTION')) return 'runcommand';
  if (op.operation.endsWith('/RUNCOMMANDS/WRITE')) return 'runcommands';
  return 'extension';
}

/** Custom Script Extension is the extension that runs scripts; name it so on the card. */
export function extensionMechanism(resourceId: string, extensionType: string | undefined): string {
  const hay = `${extensionType ?? ''} ${resourceId}`.toLowerCase();
  return hay.includes('customscript') ? 'Custom Script Extension' : 'VM extension';
}

/** Parse an ARM resource id into the parts a card shows. */
export function parseResourceId(resourceId: string): {
  subscriptionId?: string;
  resourceGroup?: string;
  machineId?: string;
  name?: string;
} {
  const parts = resourceId.split('/').filter((p) => p.length > 0);
  const at = (key: string): string | undefined => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i >= 0 && i + 1 < parts.length ? parts[i + 1] : undefined;
  };
  const machineKey = parts.findIndex((p) => {
    const l = p.toLowerCase();
    return l === 'virtualmachines' || l === 'machines';
  });
  const name = machineKey >= 0 ? parts[machineKey + 1] : undefined;
  const machineId = machineKey >= 0 && name !== undefined ? '/' + parts.slice(0, machineKey + 2).join('/') : undefined;
  return { subscriptionId: at('subscriptions'), resourceGroup: at('resourcegroups'), machineId, name };
}
