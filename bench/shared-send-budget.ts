import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEAMS_THREAD_LIMITS } from '../src/chat/teams/rate-limiter';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import { runAlone, type Bench } from './types';

const SENDS = 2_000;

/** Microseconds per slot, taking `SENDS` slots 2 s apart of simulated time (an hour's window holds up to 1,800 of them). */
async function perSlot(take: (store: SqliteStore, at: Date) => Promise<unknown>): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-bench-budget-'));
  const store = new SqliteStore(path.join(dir, 'firstwatch.db'));
  try {
    let at = Date.parse('2026-11-27T14:00:00Z');
    for (let i = 0; i < 100; i++) await take(store, new Date((at += 2_000)));
    const started = process.hrtime.bigint();
    for (let i = 0; i < SENDS; i++) await take(store, new Date((at += 2_000)));
    return Number(process.hrtime.bigint() - started) / 1_000 / SENDS;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What sharing Teams' per-thread limits through the store costs a send: one slot of four
 * windows (up to an hour of slots read) against one slot of Slack's one-minute chat.update
 * budget, both on a SQLite file.
 */
export const sharedSendBudget: Bench = {
  name: 'shared-send-budget',
  async run() {
    const baseline = await perSlot((s, at) => s.takeBudget('slack:chat.update', 1_000_000, 60_000, at));
    const value = await perSlot((s, at) => s.takeBudgetWindows('teams:19:bench@thread.tacv2', TEAMS_THREAD_LIMITS, at));
    return [
      {
        figure: 'Teams send: one slot of the shared thread budget (4 windows, SQLite file)',
        value: Math.round(value),
        baseline: Math.round(baseline),
        unit: 'µs',
        ratio: Number((baseline / value).toFixed(2)),
        note: 'baseline: one slot of the one-window Slack chat.update budget; a Teams send takes ~100+ ms over the network',
      },
    ];
  },
};

if (require.main === module) runAlone(sharedSendBudget);
