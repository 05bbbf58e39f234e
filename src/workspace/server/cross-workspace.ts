import type { Column, Table, TableSource } from '../../kql/types';
import { HttpError } from './errors';

/** One query may span at most this many workspaces, its own included (Azure Monitor's cross-resource limit). */
export const MAX_QUERY_WORKSPACES = 100;

/** The workspaces one query reads: its own, then the body's `workspaces`, each once; refused beyond the service's limit. */
export function queriedWorkspaces(primary: string, additional: readonly string[] | undefined): string[] {
  const ids = [...new Set([primary, ...(additional ?? [])])];
  if (ids.length > MAX_QUERY_WORKSPACES) {
    throw new HttpError(
      400,
      'BadArgumentError',
      `A query may reference at most ${MAX_QUERY_WORKSPACES} workspaces; this one references ${ids.length}`,
    );
  }
  return ids;
}

/**
 * The tables of a query over several workspaces, as Log Analytics presents them: a table is the
 * union of that table in every workspace, and each row's TenantId is the id of the workspace it
 * came from, which is how a caller tells the rows apart again.
 */
export function unionOfWorkspaces(ids: readonly string[], tablesOf: (workspaceId: string) => TableSource): TableSource {
  const cache = new Map<string, Table | undefined>();
  return {
    getTable(name: string): Table | undefined {
      if (cache.has(name)) return cache.get(name);
      const parts = ids.flatMap((id) => {
        const table = tablesOf(id).getTable(name);
        return table === undefined ? [] : [{ id, table }];
      });
      const union = parts.length === 0 ? undefined : unionTable(name, parts);
      cache.set(name, union);
      return union;
    },
  };
}

function unionTable(name: string, parts: { id: string; table: Table }[]): Table {
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const { table } of parts) {
    for (const c of table.columns) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      columns.push(c);
    }
  }
  if (!seen.has('TenantId')) columns.push({ name: 'TenantId', type: 'string' });
  const rows = parts.flatMap(({ id, table }) => table.rows.map((row) => ({ ...row, TenantId: id })));
  const timed = parts.every(({ table }) => table.ingestionTimes !== undefined && table.ingestionTimes.length === table.rows.length);
  return {
    name,
    columns,
    rows,
    ...(timed ? { ingestionTimes: parts.flatMap(({ table }) => table.ingestionTimes as Date[]) } : {}),
  };
}
