import { SENTINEL_TABLES } from '../kql';
import type { ColumnType } from '../kql/types';

/**
 * Column types of the Sentinel tables rules read, as Log Analytics defines them. A rule test
 * case gets every column of its table, as a real workspace would (columns a row leaves out are
 * null), so a query that names a column the table has passes even when the test rows do not
 * mention it.
 */
export const KNOWN_TABLE_COLUMNS: Readonly<Record<string, Readonly<Record<string, ColumnType>>>> = Object.fromEntries(
  Object.entries(SENTINEL_TABLES).map(([table, columns]) => [table, Object.fromEntries(columns.map((c) => [c.name, c.type]))]),
);
