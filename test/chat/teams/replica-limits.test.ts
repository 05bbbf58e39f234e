import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedBudgetKey, TEAMS_THREAD_LIMITS, ThreadRateLimiter } from '../../../src/chat/teams/rate-limiter';
import { TeamsSender } from '../../../src/chat/teams/sender';
import { silentLogger } from '../../../src/logging/logger';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { ManualTime } from '../../support/manual-time';

const CHANNEL = '19:secops-alerts@thread.tacv2';

/** The most sends that fell into any window of `ms`. */
function busiest(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Teams counts a bot's sends per thread whichever replica sends them: two replicas on one store stay within the limits together. */
describe('Teams thread limits across replicas', () => {
  let dir: string;
  let time: ManualTime;
  let stores: SqliteStore[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fw-teams-replicas-'));
    time = new ManualTime(Date.parse('2026-11-27T14:00:00Z'));
    stores = [];
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One replica: its own pacing, and (when shared) slots from the one database file. */
  function replica(shared: boolean): TeamsSender {
    const store = new SqliteStore(path.join(dir, 'firstwatch.db'), { clock: time.now });
    stores.push(store);
    return new TeamsSender({
      logger: silentLogger(),
      time,
      limiter: new ThreadRateLimiter(TEAMS_THREAD_LIMITS, time),
      ...(shared
        ? { sharedBudget: (thread: string) => store.takeBudgetWindows(sharedBudgetKey(thread), TEAMS_THREAD_LIMITS, time.now()) }
        : {}),
    });
  }

  /** Both replicas post `each` cards to one channel side by side; when each post reached Teams. */
  async function postFromBoth(a: TeamsSender, b: TeamsSender, each: number): Promise<number[]> {
    const sent: number[] = [];
    const post = (s: TeamsSender, i: number) =>
      s.run(`${CHANNEL};messageid=${i}`, `post card ${i}`, async () => {
        sent.push(time.t);
      });
    await Promise.all([a, b].map(async (s) => Promise.all(Array.from({ length: each }, (_, i) => post(s, i)))));
    return sent;
  }

  it('two replicas posting 100 cards each to one channel stay within 7 a second, 8 in 2 s and 60 in 30 s together', async () => {
    const sent = await postFromBoth(replica(true), replica(true), 100);
    expect(sent).toHaveLength(200);
    expect(busiest(sent, 1_000)).toBeLessThanOrEqual(7);
    expect(busiest(sent, 2_000)).toBeLessThanOrEqual(8);
    expect(busiest(sent, 30_000)).toBeLessThanOrEqual(60);
  });

  it('paced on their own, the same two replicas send twice the rate Teams allows (why the budget is shared)', async () => {
    const sent = await postFromBoth(replica(false), replica(false), 100);
    expect(busiest(sent, 30_000)).toBeGreaterThan(60);
  });

  it('a long conversation id (a personal chat) still gets a key the store takes, the same one each time', async () => {
    const personal = `a:${'1'.repeat(300)}`;
    expect(sharedBudgetKey(personal)).toBe(sharedBudgetKey(personal));
    expect(sharedBudgetKey(personal).length).toBeLessThanOrEqual(200);
    expect(sharedBudgetKey(personal)).not.toBe(sharedBudgetKey(`a:${'1'.repeat(299)}2`));
    const sent: number[] = [];
    await replica(true).run(personal, 'reply in a personal chat', async () => {
      sent.push(time.t);
    });
    expect(sent).toHaveLength(1);
  });
});
