import { isScalar, parseDocument } from 'yaml';
import { WINDOW_END, WINDOW_START } from './parse';
import type { Detection } from './types';

/** The bound FirstWatch's ingestion-time rules carry (detections/README.md), spacing aside. */
const INGESTION_BOUND = new RegExp(
  String.raw`ingestion_time\(\)\s*>\s*${WINDOW_START}\s+and\s+ingestion_time\(\)\s*<=\s*${WINDOW_END}`,
  'g',
);

/**
 * The query as Sentinel runs it: the ingestion window becomes Sentinel's own look-back
 * (`TimeGenerated > ago(queryPeriod)`; Sentinel also bounds every run by the rule's
 * queryPeriod). Any other use of the window names keeps working through `let`s bound to
 * the same look-back, so the text is always valid KQL outside FirstWatch.
 */
export function sentinelQuery(query: string, queryPeriod: string): string {
  let text = query.replace(INGESTION_BOUND, `TimeGenerated > ago(${queryPeriod})`);
  if (text.includes(WINDOW_START) || text.includes(WINDOW_END)) {
    text = `let ${WINDOW_START} = ago(${queryPeriod});\nlet ${WINDOW_END} = now();\n${text}`;
  }
  return text;
}

/**
 * A rule file in plain Sentinel form: the `firstwatch:` key removed and the query rewritten by
 * sentinelQuery. Every other field, comment and the key order stay as written.
 */
export function exportSentinelRule(source: string, detection: Pick<Detection, 'query' | 'queryPeriod'>): string {
  const doc = parseDocument(source);
  doc.delete('firstwatch');
  const query = doc.get('query', true);
  const text = sentinelQuery(detection.query, detection.queryPeriod);
  // Set the value in place so the block style (`query: |`) survives.
  if (isScalar(query)) query.value = text;
  else doc.set('query', text);
  return doc.toString({ lineWidth: 0 });
}
