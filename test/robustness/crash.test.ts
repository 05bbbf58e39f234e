import { runCrashScenario } from '../support/crash/harness';

/**
 * Invariant 2 on a real process: SIGKILLed at seeded points during the poll
 * and during deliveries, restarted each time, FirstWatch ends with every hit
 * alerted once, every alert posted once in Slack, every card current.
 * (bench/soak.ts runs the same with many more kill points.)
 */
describe('crash safety (SIGKILL and restart)', () => {
  it("ends with every hit alerted once, posted once, and every card showing its alert's version", async () => {
    const report = await runCrashScenario({ kills: 3, seed: 7, extraHits: 4, transitionEvery: 2 });
    expect(report.kills).toHaveLength(3);
    expect(report.expectedHits).toBeGreaterThan(5);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.alerts).toBe(report.expectedHits);
    expect(report.duplicatePosts).toEqual([]);
    expect(report.unposted).toEqual([]);
    expect(report.staleCards).toEqual([]);
    expect(report.finalExit).toBe(0);
  }, 180_000);
});
