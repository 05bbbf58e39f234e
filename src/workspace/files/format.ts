/**
 * The on-disk form of a local workspace: one NDJSON file per table, `<Table>.ndjson`.
 *
 *   line 1:  {"table":"BehaviorAnalytics","columns":[{"name":"TimeGenerated","type":"datetime"}, ...]}
 *   line 2+: {"_ingestion_time":"2026-11-27T18:40:00.000Z","TimeGenerated":"2026-11-27T18:31:00.000Z", ...}
 *
 * Every row carries `_ingestion_time` (what `ingestion_time()` returns); it is stripped on load and
 * never becomes a column. datetime values are ISO 8601 strings, timespan values KQL's text form
 * ("[d.]hh:mm:ss[.fffffff]"), dynamic values plain JSON; a missing key or null is a null cell.
 */
export const INGESTION_TIME_FIELD = '_ingestion_time';
export const TABLE_FILE_SUFFIX = '.ndjson';
/** Sidecar files written next to the tables by the generator. */
export const MANIFEST_FILE = 'workspace.json';
export const PLANTED_FILE = 'planted.json';

export class WorkspaceDataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'WorkspaceDataError';
  }
}
