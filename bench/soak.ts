/**
 * Crash soak: `firstwatch start` as a real process against a workspace with
 * many first-time hits and the Slack stand-in, SIGKILLed at N seeded random
 * points (during the poll and during deliveries) and restarted each time,
 * then run to quiet and stopped. Prints the end state: every hit alerted once,
 * every alert posted once, every card on its alert's current version.
 *
 *   npx tsx bench/soak.ts --kills 50 [--seed 1] [--extra-hits 80]
 */
import { runCrashScenario } from '../test/support/crash/harness';

function intArg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const raw = argv[i + 1] ?? '';
  if (!/^\d{1,6}$/.test(raw)) throw new Error(`--${name} takes a whole number, not '${raw}'`);
  return Number(raw);
}

async function main(argv: string[]): Promise<number> {
  const kills = intArg(argv, 'kills', 50);
  const seed = intArg(argv, 'seed', 1);
  const extraHits = intArg(argv, 'extra-hits', 80);
  const report = await runCrashScenario({
    kills,
    seed,
    extraHits,
    transitionEvery: 5,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const phases = {
    poll: report.kills.filter((k) => k.phase === 'poll').length,
    delivery: report.kills.filter((k) => k.phase === 'delivery').length,
  };
  const ok =
    report.missing.length === 0 &&
    report.unexpected.length === 0 &&
    report.duplicatePosts.length === 0 &&
    report.unposted.length === 0 &&
    report.staleCards.length === 0 &&
    report.finalExit === 0;
  const summary = {
    command: `npx tsx bench/soak.ts --kills ${kills} --seed ${seed} --extra-hits ${extraHits}`,
    result: ok ? 'PASS' : 'FAIL',
    kills: report.kills.length,
    killPhases: phases,
    expectedHits: report.expectedHits,
    alerts: report.alerts,
    missing: report.missing,
    unexpected: report.unexpected,
    duplicatePosts: report.duplicatePosts,
    unposted: report.unposted,
    staleCards: report.staleCards,
    reconciledAfterKill: report.reconciled,
    acknowledgedBetweenLives: report.transitions,
    finalExitCode: report.finalExit,
    elapsedSeconds: Math.round(report.elapsedMs / 1000),
  };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
