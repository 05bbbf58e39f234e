import type { ReadyCheck } from '../server';

export interface PollRecord {
  at: Date;
  ok: boolean;
  error?: string;
}

/** The store answers a cheap query. */
export async function storeCheck(store: { getWatermark(workspace: string, detectionId: string): Promise<unknown> }): Promise<ReadyCheck> {
  try {
    await store.getWatermark('readiness', 'readiness');
    return { name: 'store', ok: true };
  } catch (err) {
    // The driver's message says what is wrong (closed, refused, missing relation) without internals worth hiding.
    return { name: 'store', ok: false, detail: `unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * A detection is ready when its last run succeeded and is not older than
 * twice its schedule interval. A detection that has not run yet is ready
 * until that much time has passed since start.
 */
export function pollCheck(
  slug: string,
  last: PollRecord | undefined,
  intervalMs: number | undefined,
  now: Date,
  startedAt: Date,
): ReadyCheck {
  const name = `poll:${slug}`;
  const limit = intervalMs === undefined ? undefined : 2 * intervalMs;
  if (last === undefined) {
    const waited = now.getTime() - startedAt.getTime();
    if (limit !== undefined && waited > limit) return { name, ok: false, detail: `no run finished in ${seconds(waited)}` };
    return { name, ok: true, detail: 'not run yet' };
  }
  const age = now.getTime() - last.at.getTime();
  if (!last.ok) return { name, ok: false, detail: `last run failed ${seconds(age)} ago: ${last.error ?? 'unknown error'}` };
  if (limit !== undefined && age > limit) {
    return { name, ok: false, detail: `stale: last run ${seconds(age)} ago, schedule every ${seconds(intervalMs as number)}` };
  }
  return { name, ok: true, detail: `last run ok ${seconds(age)} ago` };
}

/** Interval between the next two ticks of a cron schedule, if known. */
export function intervalOf(nextRuns: Date[]): number | undefined {
  const [a, b] = nextRuns;
  return a !== undefined && b !== undefined ? Math.max(1000, b.getTime() - a.getTime()) : undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
