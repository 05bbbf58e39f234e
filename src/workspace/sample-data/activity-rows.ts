import type { Row } from '../../kql/types';
import type { SampleEntities, SampleMachine } from './entities';
import { logAnalyticsResourceId, operationScope, providerOf, type ArmOperation } from './operations';

export interface ActivityCall {
  caller: string;
  callerIp: string;
  op: ArmOperation;
  machine?: SampleMachine;
  /** When the operation was accepted (the middle row). */
  time: Date;
  correlationId: string;
  /** ARM id used when the operation targets no machine. */
  otherResourceId: string;
  failed?: boolean;
  /** Spell OperationNameValue in upper case, as many real rows do. */
  upperCaseValue?: boolean;
}

const PHASES: Array<{ status: string; substatus: string; offsetMs: number }> = [
  { status: 'Started', substatus: '', offsetMs: -4_000 },
  { status: 'Accepted', substatus: 'Accepted', offsetMs: 0 },
  { status: 'Succeeded', substatus: 'OK', offsetMs: 38_000 },
];

/** The Started/Accepted/Succeeded (or Failed) rows ARM writes for one operation, sharing a CorrelationId. */
export function activityRows(ent: SampleEntities, call: ActivityCall): Array<{ row: Row; tg: Date }> {
  const armId = call.machine?.resourceId ?? call.otherResourceId;
  const scope = operationScope(call.op, call.machine, armId);
  const subscriptionId = armId.split('/')[2] ?? '';
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(armId)?.[1] ?? '';
  const value = call.upperCaseValue ? call.op.operation.toUpperCase() : call.op.operation;
  return PHASES.map((phase, i) => {
    const last = i === PHASES.length - 1;
    const status = last && call.failed ? 'Failed' : phase.status;
    const tg = new Date(call.time.getTime() + phase.offsetMs);
    const row: Row = {
      TimeGenerated: tg,
      Caller: call.caller,
      CallerIpAddress: call.callerIp,
      CorrelationId: call.correlationId,
      OperationNameValue: value,
      OperationName: call.op.displayName,
      ActivityStatusValue: status,
      ActivitySubstatusValue: last && call.failed ? 'Conflict' : phase.substatus,
      ResourceGroup: resourceGroup.toUpperCase(),
      SubscriptionId: subscriptionId,
      _ResourceId: logAnalyticsResourceId(armId),
      ResourceProviderValue: providerOf(call.op.operation).toUpperCase(),
      // Authorization, Claims and Properties are JSON text in Log Analytics; the *_d columns hold them parsed.
      ...jsonPair('Authorization', {
        action: call.op.operation,
        scope,
        evidence: {
          role: 'Virtual Machine Contributor',
          roleAssignmentScope: `/subscriptions/${subscriptionId}`,
          principalType: call.caller.includes('@') ? 'User' : 'ServicePrincipal',
        },
      }),
      ...jsonPair('Claims', {
        name: call.caller.split('@')[0] ?? call.caller,
        appid: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': call.caller,
        ipaddr: call.callerIp,
      }),
      ...jsonPair('Properties', {
        eventCategory: 'Administrative',
        entity: scope,
        message: call.op.operation,
        hierarchy: `${ent.tenantId}/${subscriptionId}`,
        ...(call.machine ? { resource: call.machine.name } : {}),
      }),
      HTTPRequest: JSON.stringify({ clientRequestId: call.correlationId, clientIpAddress: call.callerIp, method: 'POST' }),
      Hierarchy: `${ent.tenantId}/${subscriptionId}`,
      ActivityStatus: status,
      ActivitySubstatus: last && call.failed ? 'Conflict' : phase.substatus,
      Category: 'Administrative',
      ResourceProvider: providerOf(call.op.operation),
      ResourceId: armId,
      Resource: armId.split('/').pop() ?? '',
      OperationId: call.correlationId,
      EventDataId: `${call.correlationId}-${i}`,
      EventSubmissionTimestamp: tg,
      SourceSystem: 'Azure',
      Level: status === 'Failed' ? 'Error' : 'Informational',
      CategoryValue: 'Administrative',
      TenantId: ent.tenantId,
      Type: 'AzureActivity',
    };
    return { row, tg };
  });
}

/** A JSON column as Log Analytics stores it: the text, and the parsed value beside it. */
function jsonPair(name: string, value: Record<string, unknown>): Row {
  return { [name]: JSON.stringify(value), [`${name}_d`]: value };
}
