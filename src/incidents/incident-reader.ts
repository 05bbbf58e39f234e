import type { QuerySource } from '../workspace/query-source';
import { readAlertRow, readIncidentRow, type IncidentAlertRecord, type IncidentRecord } from './incident-rows';

/**
 * Reads Sentinel's incidents from the workspace's tables. SecurityIncident holds
 * one record per change of an incident; a window of ingestion time is read and
 * the latest record of each incident in it kept (`arg_max(TimeGenerated, *)`, as
 * Microsoft's own workbooks do), so a run sees each change once. Its alerts come
 * from SecurityAlert by SystemAlertId (ids checked to be GUID-shaped first: they
 * are log data and go into the query text).
 */

const DAY = 24 * 60 * 60_000;
/** SecurityIncident's TimeGenerated is the record's time, never after its ingestion: a day's margin is plenty. */
const RECORD_MARGIN_MS = DAY;
/** An incident's alerts may be older than its latest change: this far back. */
const ALERT_LOOKBACK_MS = 30 * DAY;
const IDS_PER_QUERY = 200;
const ID = /^[A-Za-z0-9-]{1,64}$/;

function kqlDate(d: Date): string {
  return `datetime(${d.toISOString()})`;
}

export interface IncidentWindowRead {
  incidents: IncidentRecord[];
  /** SystemAlertId → alert. */
  alerts: Map<string, IncidentAlertRecord>;
  /** Rows that could not be used, one line each (log data is not trusted). */
  problems: string[];
}

export async function readIncidentWindow(
  source: QuerySource,
  window: { start: Date; end: Date },
  options: { signal?: AbortSignal } = {},
): Promise<IncidentWindowRead> {
  const query =
    `SecurityIncident\n` +
    `| where ingestion_time() > ${kqlDate(window.start)} and ingestion_time() <= ${kqlDate(window.end)}\n` +
    `| extend IngestionTime = ingestion_time()\n` +
    `| summarize arg_max(TimeGenerated, *) by IncidentName`;
  const result = await source.query(
    query,
    { start: new Date(window.start.getTime() - RECORD_MARGIN_MS), end: new Date(window.end.getTime() + RECORD_MARGIN_MS) },
    options,
  );
  const problems: string[] = [];
  const incidents: IncidentRecord[] = [];
  for (const row of result.rows) {
    const ingested = row.IngestionTime instanceof Date ? row.IngestionTime : undefined;
    const read = readIncidentRow(row, ingested);
    if ('problem' in read) problems.push(read.problem);
    else incidents.push(read);
  }
  incidents.sort((a, b) => a.recordTime.getTime() - b.recordTime.getTime());
  const ids = [...new Set(incidents.flatMap((i) => i.alertIds))].filter((id) => ID.test(id));
  const alerts = new Map<string, IncidentAlertRecord>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    const alertQuery =
      `SecurityAlert\n` +
      `| where SystemAlertId in (${chunk.map((id) => `"${id}"`).join(', ')})\n` +
      `| summarize arg_max(TimeGenerated, *) by SystemAlertId`;
    const read = await source.query(
      alertQuery,
      { start: new Date(window.start.getTime() - ALERT_LOOKBACK_MS), end: new Date(window.end.getTime() + RECORD_MARGIN_MS) },
      options,
    );
    for (const row of read.rows) {
      const alert = readAlertRow(row);
      if (alert) alerts.set(alert.systemAlertId, alert);
    }
  }
  return { incidents, alerts, problems };
}
