import { sampleEntities, type SampleMachine } from './entities';
import { logAnalyticsResourceId, operationFor, operationScope, type Mechanism } from './operations';
import { Prng } from './prng';

/**
 * How a BehaviorAnalytics row names its action and its first-time flag. Real UEBA data
 * varies on both axes, so a detection has to accept every form:
 * - `eventMessage`: ActivityInsights.EventMessage holds the ARM operation
 *   (e.g. "Microsoft.Compute/virtualMachines/runCommand/action") besides ActionType;
 *   otherwise only ActionType names it (e.g. "Run Command on Virtual Machine").
 * - `firstTime`: ActivityInsights.FirstTimeUserPerformedAction as the string "True"/"False"
 *   or as a JSON boolean.
 */
export interface UebaEncoding {
  eventMessage: boolean;
  firstTime: 'string' | 'boolean';
}

export interface PlantedCase {
  /** A stable short name for the case, e.g. "alice-run-command". */
  id: string;
  expect: 'alert' | 'no-alert';
  sourceRecordId: string;
  upn: string;
  mechanism: Mechanism | 'vm-start';
  /** The ARM operation performed. */
  operation: string;
  /** BehaviorAnalytics.ActionType of the row. */
  actionType: string;
  encoding: UebaEncoding;
  firstTimeUserPerformedAction: boolean;
  timeGenerated: Date;
  ingestionTime: Date;
  /** Ingested three hours or more after TimeGenerated. */
  late: boolean;
  /** The machine acted on; undefined when the workspace holds no trace of it. */
  machine?: { name: string; kind: SampleMachine['kind']; resourceId: string };
  /** The matching AzureActivity rows (Started/Accepted/Succeeded), or null when there are none (target not found). */
  azureActivity: { correlationId: string; resourceId: string; scope: string } | null;
  /**
   * Whether the seed query (shared/seed/000_6911d07568a75629.txt) returns this row when run at `now`:
   * it filters `TimeGenerated > ago(1h)`, EventMessage `has_any ('runCommand/action', 'extensions/write')`
   * and FirstTimeUserPerformedAction `== "True"`, so only the EventMessage + string form of
   * run-command, custom-script-extension and arc-extension, within the last hour, can match.
   */
  matchesSeedQuery: boolean;
  note: string;
}

interface CaseSpec {
  id: string;
  expect: PlantedCase['expect'];
  user: string;
  mechanism: PlantedCase['mechanism'];
  encoding: UebaEncoding;
  firstTime: boolean;
  minutesAgo: number;
  /** Minutes between TimeGenerated and ingestion. */
  delayMinutes: number;
  machine?: string;
  withAzureActivity: boolean;
  note: string;
}

const MINUTE = 60_000;
const LATE_MS = 3 * 60 * MINUTE;

const EM_STR: UebaEncoding = { eventMessage: true, firstTime: 'string' };
const EM_BOOL: UebaEncoding = { eventMessage: true, firstTime: 'boolean' };
const AT_STR: UebaEncoding = { eventMessage: false, firstTime: 'string' };
const AT_BOOL: UebaEncoding = { eventMessage: false, firstTime: 'boolean' };

const SPECS: CaseSpec[] = [
  {
    id: 'alice-run-command',
    expect: 'alert',
    user: 'alice',
    mechanism: 'run-command',
    encoding: EM_STR,
    firstTime: true,
    minutesAgo: 25,
    delayMinutes: 13,
    machine: 'vm-web-01',
    withAzureActivity: true,
    note: 'first classic Run Command by alice on an Azure VM',
  },
  {
    id: 'bob-custom-script',
    expect: 'alert',
    user: 'bob',
    mechanism: 'custom-script-extension',
    encoding: AT_STR,
    firstTime: true,
    minutesAgo: 40,
    delayMinutes: 18,
    machine: 'vm-db-02',
    withAzureActivity: true,
    note: 'first Custom Script Extension write; only ActionType names the action',
  },
  {
    id: 'carol-managed-run-command',
    expect: 'alert',
    user: 'carol',
    mechanism: 'managed-run-command',
    encoding: EM_BOOL,
    firstTime: true,
    minutesAgo: 35,
    delayMinutes: 15,
    machine: 'vm-app-03',
    withAzureActivity: true,
    note: 'first managed Run Command; first-time flag is a boolean',
  },
  {
    id: 'dave-arc-run-command',
    expect: 'alert',
    user: 'dave',
    mechanism: 'arc-run-command',
    encoding: AT_BOOL,
    firstTime: true,
    minutesAgo: 50,
    delayMinutes: 20,
    machine: 'arc-srv-01',
    withAzureActivity: true,
    note: 'first Run Command on an Azure Arc machine; ActionType only, boolean flag',
  },
  {
    id: 'erin-arc-extension',
    expect: 'alert',
    user: 'erin',
    mechanism: 'arc-extension',
    encoding: EM_STR,
    firstTime: true,
    minutesAgo: 20,
    delayMinutes: 11,
    machine: 'arc-srv-02',
    withAzureActivity: true,
    note: 'first extension write on an Azure Arc machine',
  },
  {
    id: 'frank-run-command-late',
    expect: 'alert',
    user: 'frank',
    mechanism: 'run-command',
    encoding: EM_STR,
    firstTime: true,
    minutesAgo: 210,
    delayMinutes: 185,
    machine: 'vm-web-04',
    withAzureActivity: true,
    note: 'first Run Command whose UEBA row arrived 3 h 05 min late (outside a 1 h TimeGenerated look-back)',
  },
  {
    id: 'grace-custom-script-no-activity',
    expect: 'alert',
    user: 'grace',
    mechanism: 'custom-script-extension',
    encoding: EM_STR,
    firstTime: true,
    minutesAgo: 15,
    delayMinutes: 9,
    withAzureActivity: false,
    note: 'first Custom Script Extension write with no AzureActivity trace: enrichment finds no target',
  },
  {
    id: 'heidi-run-command-repeat',
    expect: 'no-alert',
    user: 'heidi',
    mechanism: 'run-command',
    encoding: EM_STR,
    firstTime: false,
    minutesAgo: 30,
    delayMinutes: 12,
    machine: 'vm-web-02',
    withAzureActivity: true,
    note: 'heidi runs commands routinely: FirstTimeUserPerformedAction "False"',
  },
  {
    id: 'ivan-custom-script-repeat',
    expect: 'no-alert',
    user: 'ivan',
    mechanism: 'custom-script-extension',
    encoding: EM_BOOL,
    firstTime: false,
    minutesAgo: 45,
    delayMinutes: 16,
    machine: 'vm-sql-01',
    withAzureActivity: true,
    note: 'ivan writes extensions routinely: flag false as a boolean',
  },
  {
    id: 'judy-arc-run-command-repeat',
    expect: 'no-alert',
    user: 'judy',
    mechanism: 'arc-run-command',
    encoding: AT_STR,
    firstTime: false,
    minutesAgo: 10,
    delayMinutes: 7,
    machine: 'arc-srv-03',
    withAzureActivity: true,
    note: 'repeat Arc Run Command, ActionType only, "False"',
  },
  {
    id: 'ivan-arc-extension-repeat',
    expect: 'no-alert',
    user: 'ivan',
    mechanism: 'arc-extension',
    encoding: EM_BOOL,
    firstTime: false,
    minutesAgo: 28,
    delayMinutes: 14,
    machine: 'arc-linux-01',
    withAzureActivity: true,
    note: 'repeat Arc extension write, flag false as a boolean',
  },
  {
    id: 'heidi-managed-run-command-repeat',
    expect: 'no-alert',
    user: 'heidi',
    mechanism: 'managed-run-command',
    encoding: AT_BOOL,
    firstTime: false,
    minutesAgo: 5 * 60,
    delayMinutes: 190,
    machine: 'vm-app-01',
    withAzureActivity: true,
    note: 'repeat managed Run Command that also arrived late',
  },
  {
    id: 'mallory-first-vm-start',
    expect: 'no-alert',
    user: 'mallory',
    mechanism: 'vm-start',
    encoding: EM_STR,
    firstTime: true,
    minutesAgo: 22,
    delayMinutes: 10,
    machine: 'vm-dev-01',
    withAzureActivity: true,
    note: 'first time, but starting a VM runs no code: must not alert',
  },
];

function seedQueryMatches(spec: CaseSpec, operation: string): boolean {
  const terms = ['runcommand/action', 'extensions/write'];
  return (
    spec.minutesAgo < 60 &&
    spec.encoding.eventMessage &&
    spec.encoding.firstTime === 'string' &&
    spec.firstTime &&
    terms.some((t) => operation.toLowerCase().includes(t))
  );
}

/**
 * The planted cases of the sample workspace generated with this `now` and `seed`: the rows that
 * must alert and the ones that must not, with how each is encoded.
 */
export function planted(now: Date, seed: number): PlantedCase[] {
  const ent = sampleEntities(seed);
  const prng = Prng.derive(seed, 'planted');
  return SPECS.map((spec) => {
    const user = ent.users.find((u) => u.upn === `${spec.user}@contoso.com`);
    if (!user) throw new Error(`planted case ${spec.id}: unknown user ${spec.user}`);
    const machine = spec.machine ? ent.machines.find((m) => m.name === spec.machine) : undefined;
    if (spec.machine && !machine) throw new Error(`planted case ${spec.id}: unknown machine ${spec.machine}`);
    const op = operationFor(spec.mechanism);
    const timeGenerated = new Date(now.getTime() - spec.minutesAgo * MINUTE);
    const ingestionTime = new Date(timeGenerated.getTime() + spec.delayMinutes * MINUTE);
    const sourceRecordId = prng.guid();
    const correlationId = prng.guid();
    const scope = operationScope(op, machine, '');
    return {
      id: spec.id,
      expect: spec.expect,
      sourceRecordId,
      upn: user.upn,
      mechanism: spec.mechanism,
      operation: op.operation,
      actionType: op.displayName,
      encoding: spec.encoding,
      firstTimeUserPerformedAction: spec.firstTime,
      timeGenerated,
      ingestionTime,
      late: ingestionTime.getTime() - timeGenerated.getTime() >= LATE_MS,
      machine: machine ? { name: machine.name, kind: machine.kind, resourceId: machine.resourceId } : undefined,
      azureActivity:
        spec.withAzureActivity && machine ? { correlationId, resourceId: logAnalyticsResourceId(machine.resourceId), scope } : null,
      matchesSeedQuery: seedQueryMatches(spec, op.operation),
      note: spec.note,
    };
  });
}
