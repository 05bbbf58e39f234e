import type { SampleMachine } from './entities';

/** The ways to run code on a machine that the first detection watches. */
export type Mechanism =
  | 'run-command' // classic Run Command on an Azure VM
  | 'custom-script-extension' // Custom Script Extension written to an Azure VM
  | 'managed-run-command' // managed Run Command resource on an Azure VM
  | 'arc-run-command' // Run Command on an Azure Arc machine
  | 'arc-extension'; // extension written to an Azure Arc machine

export interface ArmOperation {
  /** The ARM operation, as UEBA's EventMessage and AzureActivity's OperationNameValue carry it. */
  operation: string;
  /** The display name: AzureActivity's OperationName and UEBA's ActionType. */
  displayName: string;
  machineKind?: SampleMachine['kind'];
  /** The child resource the operation writes, below the machine (Authorization.scope points at it). */
  child?: string;
}

export const MECHANISMS: Readonly<Record<Mechanism, ArmOperation>> = {
  'run-command': {
    operation: 'Microsoft.Compute/virtualMachines/runCommand/action',
    displayName: 'Run Command on Virtual Machine',
    machineKind: 'azure-vm',
  },
  'custom-script-extension': {
    operation: 'Microsoft.Compute/virtualMachines/extensions/write',
    displayName: 'Create or Update Virtual Machine Extension',
    machineKind: 'azure-vm',
    child: 'extensions/CustomScriptExtension',
  },
  'managed-run-command': {
    operation: 'Microsoft.Compute/virtualMachines/runCommands/write',
    displayName: 'Create or Update Virtual Machine Run Command',
    machineKind: 'azure-vm',
    child: 'runCommands/fw-maintenance',
  },
  'arc-run-command': {
    operation: 'Microsoft.HybridCompute/machines/runCommands/write',
    displayName: 'Create or Update Machine Run Command',
    machineKind: 'arc',
    child: 'runCommands/fw-maintenance',
  },
  'arc-extension': {
    operation: 'Microsoft.HybridCompute/machines/extensions/write',
    displayName: 'Create or Update Machine Extension',
    machineKind: 'arc',
    child: 'extensions/CustomScriptExtension',
  },
};

/** Everyday operations: none of them runs code on a machine. */
export const ORDINARY_OPERATIONS: readonly ArmOperation[] = [
  { operation: 'Microsoft.Compute/virtualMachines/start/action', displayName: 'Start Virtual Machine', machineKind: 'azure-vm' },
  { operation: 'Microsoft.Compute/virtualMachines/deallocate/action', displayName: 'Deallocate Virtual Machine', machineKind: 'azure-vm' },
  { operation: 'Microsoft.Compute/virtualMachines/restart/action', displayName: 'Restart Virtual Machine', machineKind: 'azure-vm' },
  { operation: 'Microsoft.Compute/virtualMachines/write', displayName: 'Create or Update Virtual Machine', machineKind: 'azure-vm' },
  { operation: 'Microsoft.HybridCompute/machines/write', displayName: 'Create or Update Machine', machineKind: 'arc' },
  { operation: 'Microsoft.Network/networkSecurityGroups/write', displayName: 'Create or Update Network Security Group' },
  { operation: 'Microsoft.Storage/storageAccounts/listKeys/action', displayName: 'List Storage Account Keys' },
  { operation: 'Microsoft.Authorization/roleAssignments/write', displayName: 'Create role assignment' },
  { operation: 'Microsoft.Resources/deployments/write', displayName: 'Create Deployment' },
  { operation: 'Microsoft.KeyVault/vaults/write', displayName: 'Update Key Vault' },
];

/** The operation of a planted case: one of the mechanisms, or starting a VM (a first time that runs no code). */
export function operationFor(kind: Mechanism | 'vm-start'): ArmOperation {
  return kind === 'vm-start' ? ORDINARY_OPERATIONS[0] : MECHANISMS[kind];
}

/** Lower-cased ARM id, as Log Analytics stores `_ResourceId`. */
export function logAnalyticsResourceId(armId: string): string {
  return armId.toLowerCase();
}

export function providerOf(operation: string): string {
  return operation.split('/')[0];
}

/** What `Authorization.scope` names: the machine, or the child resource the operation writes. */
export function operationScope(op: ArmOperation, machine: SampleMachine | undefined, fallbackScope: string): string {
  if (!machine) return fallbackScope;
  return op.child ? `${machine.resourceId}/${op.child}` : machine.resourceId;
}
