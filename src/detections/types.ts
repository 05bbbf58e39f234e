import type { Severity } from '../alerts/types';

export type TriggerOperator = 'gt' | 'lt' | 'eq' | 'ne';

/** One Sentinel entity mapping: entityType plus identifier → column. */
export interface EntityMapping {
  entityType: string;
  fieldMappings: { identifier: string; columnName: string }[];
}

export interface AlertDetailsOverride {
  alertDisplayNameFormat?: string;
  alertDescriptionFormat?: string;
  alertSeverityColumnName?: string;
  alertTacticsColumnName?: string;
}

/** Which result columns fill the card's fields; each defaults from the entity mappings. */
export interface CardMappings {
  subjectUpn?: string;
  subjectName?: string;
  subjectObjectId?: string;
  action?: string;
  sourceIp?: string;
  location?: string;
  /** A dynamic column of insight → True/False (BehaviorAnalytics.ActivityInsights). */
  insights?: string;
  investigationPriority?: string;
  /** A datetime column holding the row's ingestion_time(); default IngestionTime when the row has it. */
  ingestionTime?: string;
}

/** Input rows of one table in a rule test case. */
export interface TestTable {
  /** Column types; columns not named here are inferred from the values. */
  columns: Record<string, string>;
  rows: TestRow[];
}

export interface TestRow {
  values: Record<string, unknown>;
  /** What ingestion_time() returns for the row; default: its TimeGenerated. */
  ingestionTime?: Date;
}

export interface DetectionTestCase {
  name: string;
  /** Column whose value identifies a row in `hits`/`misses`. */
  key: string;
  tables: Record<string, TestTable>;
  /** Key values that must come out of the query. */
  hits: string[];
  /** Key values that must not. */
  misses: string[];
  /** Optional explicit ingestion window; default: one covering every test row. */
  window?: { start: Date; end: Date };
  /** now() for the query; default: the window's end. */
  now?: Date;
}

export interface FirstWatchSettings {
  /**
   * 'ingestion-time': written for FirstWatch, bounded by _fw_window_start/_fw_window_end
   * on ingestion_time(), so it catches up after any outage.
   * 'query-period': imported unchanged; it sees only the last queryPeriod of TimeGenerated.
   */
  window: 'ingestion-time' | 'query-period';
  enrichment?: 'azure-vm-target';
  /** Columns of the dedup key; empty = the entity columns and TimeGenerated. */
  fingerprint: string[];
  card: CardMappings;
  tests: DetectionTestCase[];
}

export interface Detection {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  /** As written in the file (e.g. "1h"). */
  queryFrequency: string;
  queryPeriod: string;
  queryFrequencyMs: number;
  queryPeriodMs: number;
  /** When the poller runs it: from queryFrequency, or the configured override. */
  cron: string;
  triggerOperator: TriggerOperator;
  triggerThreshold: number;
  tactics: string[];
  techniques: string[];
  query: string;
  entityMappings: EntityMapping[];
  customDetails: Record<string, string>;
  alertDetailsOverride?: AlertDetailsOverride;
  version?: string;
  /** NRT: Sentinel's near-real-time rule, run every minute over what arrived since the last run. */
  kind: 'Scheduled' | 'NRT';
  /** Path of the file it came from. */
  file: string;
  /** File name without extension; usable as a schedule override key. */
  slug: string;
  firstwatch: FirstWatchSettings;
}
