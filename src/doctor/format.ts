import type { CheckResult } from './types';

/** The report, one line per check: verdict, what, detail and the fix. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.min(36, Math.max(0, ...results.map((r) => r.check.length)));
  const lines = results.map((r) => {
    const line = `${r.verdict.padEnd(4)}  ${r.check.padEnd(width)}  ${r.detail}`;
    return r.fix === undefined ? line : `${line} → fix: ${r.fix}`;
  });
  const failed = results.filter((r) => r.verdict === 'FAIL').length;
  const warned = results.filter((r) => r.verdict === 'warn').length;
  lines.push(
    failed > 0
      ? `${failed} problem(s) block alerting${warned > 0 ? `, ${warned} warning(s)` : ''}.`
      : `Ready to alert${warned > 0 ? ` (${warned} warning(s))` : ''}.`,
  );
  return lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n');
}

/** Non-zero when anything blocks alerting. */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.verdict === 'FAIL') ? 1 : 0;
}

/** The message of anything thrown, on one line. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim();
}
