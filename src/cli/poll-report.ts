import type { PollOutcome } from '../poller/poller';

/**
 * What `poll --once` says about one run. It never says less than happened: a
 * failure is named with its error (never "0 hits"), and a dry run tells new
 * candidates from ones already alerted, with their ids.
 */
export function pollReportLines(detection: string, outcome: PollOutcome, dryRun: boolean): string[] {
  const head = `${detection} on ${outcome.workspace}`;
  if (!outcome.ok) {
    const error = outcome.error ?? 'unknown error';
    // A refused query is not a passing failure: retrying the window changes nothing.
    if (outcome.errorKind === 'bad-query') {
      const table = /unknown table '([^']+)'|'([^']+)' could not be resolved/.exec(error);
      const name = table?.[1] ?? table?.[2];
      return [
        `${head}: FAILED: ${error} (nothing stored; the workspace refused the query, so every run fails alike until the rule or the workspace changes` +
          (name !== undefined
            ? `: this workspace has no ${name} table; connect its source, or add exported rows to a local workspace with firstwatch workspace import)`
            : ')'),
      ];
    }
    return [`${head}: FAILED: ${error} (nothing stored; the next run covers this window again)`];
  }
  const lines: string[] = [];
  if (dryRun) {
    const candidates = outcome.candidates ?? [];
    const known = outcome.alreadyAlerted ?? new Map<string, string>();
    const old = candidates.filter((c) => known.has(c.fingerprint)).length;
    lines.push(
      `${head}: ${candidates.length} hit(s): ${candidates.length - old} new, ${old} already alerted (dry run: nothing stored or posted)`,
    );
    for (const c of candidates) {
      const id = known.get(c.fingerprint);
      lines.push(`  ${id === undefined ? 'new' : `already alerted as ${id}`}  ${c.eventTime.toISOString()}  ${c.title}`);
    }
  } else {
    lines.push(
      `${head}: ${outcome.hits} hit(s), ${outcome.created.length} new alert(s)${outcome.created.length > 0 ? `: ${outcome.created.map((a) => a.id).join(', ')}` : ''}`,
    );
  }
  if (outcome.late !== undefined && outcome.late.hits > 0) {
    lines.push(
      `  ${outcome.late.hits} hit(s) among rows that arrived later than the look-back: ${outcome.late.alerted ? 'alerted too (LATE_ROWS=alert)' : 'not alerted (LATE_ROWS=count)'}`,
    );
  }
  if (outcome.enrichmentUnavailable !== undefined) lines.push(`  enrichment unavailable: ${outcome.enrichmentUnavailable}`);
  return lines;
}
