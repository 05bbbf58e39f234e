import { sampleEntities } from './entities';
import { armBehaviorRow, signinBehaviorRow } from './behavior-rows';
import type { IngestedTable } from './generate';
import { MECHANISMS, ORDINARY_OPERATIONS } from './operations';
import { Prng } from './prng';
import { BEHAVIOR_ANALYTICS_COLUMNS } from './schemas';
import type { Row } from '../../kql/types';

export interface BulkOptions {
  seed?: number;
  now?: Date;
  /** Rows spread over this many hours before `now`, default 24. */
  spanHours?: number;
  /** One row in this many is a first-time Run Command hit (EventMessage + "True" form, within the last hour); default 1000, 0 for none. */
  hitEvery?: number;
}

export type BehaviorAnalyticsBatch = IngestedTable & { hitSourceRecordIds: string[] };

/** N BehaviorAnalytics rows in memory, fast, for benchmarks; deterministic for a seed. */
export function generateBehaviorAnalytics(n: number, options: BulkOptions = {}): BehaviorAnalyticsBatch {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer, got ${n}`);
  const seed = options.seed ?? 1;
  const now = options.now ?? new Date();
  const spanMs = (options.spanHours ?? 24) * 3_600_000;
  const hitEvery = options.hitEvery ?? 1000;
  if (!(spanMs > 0)) throw new Error('spanHours must be positive');
  if (!Number.isInteger(hitEvery) || hitEvery < 0) throw new Error(`hitEvery must be a non-negative integer, got ${hitEvery}`);
  const ent = sampleEntities(seed);
  const prng = Prng.derive(seed, `bulk:${n}`);
  const azureVms = ent.machines.filter((m) => m.kind === 'azure-vm');
  const rows: Row[] = new Array(n);
  const ingestionTimes: Date[] = new Array(n);
  const hitSourceRecordIds: string[] = [];
  const nowMs = now.getTime();
  for (let i = 0; i < n; i++) {
    const user = ent.users[Math.floor(prng.next() * ent.users.length)];
    const hit = hitEvery > 0 && i % hitEvery === hitEvery - 1;
    const tg = new Date(nowMs - (hit ? prng.int(5, 50) * 60_000 : Math.floor(prng.next() * spanMs)));
    const ingested = new Date(Math.min(nowMs, tg.getTime() + prng.int(5, 30) * 60_000));
    const id = prng.guid();
    if (hit) {
      hitSourceRecordIds.push(id);
      rows[i] = armBehaviorRow(ent, user, MECHANISMS['run-command'], prng.pick(azureVms), { tg, ingested }, id, {
        firstTime: true,
        uncommon: true,
        encoding: { eventMessage: true, firstTime: 'string' },
        priority: 5,
      });
    } else if (prng.chance(0.5)) {
      rows[i] = signinBehaviorRow(prng, ent, user, { tg, ingested }, id);
    } else {
      const op = ORDINARY_OPERATIONS[Math.floor(prng.next() * ORDINARY_OPERATIONS.length)];
      rows[i] = armBehaviorRow(ent, user, op, undefined, { tg, ingested }, id, {
        firstTime: prng.chance(0.05),
        uncommon: false,
        encoding: { eventMessage: prng.chance(0.5), firstTime: prng.chance(0.5) ? 'string' : 'boolean' },
        priority: 1,
      });
    }
    ingestionTimes[i] = ingested;
  }
  return {
    name: 'BehaviorAnalytics',
    columns: BEHAVIOR_ANALYTICS_COLUMNS.map((c) => ({ ...c })),
    rows,
    ingestionTimes,
    hitSourceRecordIds,
  };
}
