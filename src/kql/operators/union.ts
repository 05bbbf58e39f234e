import type { Column } from '../types';
import type { Rel } from '../engine/relation';

/**
 * union (outer): columns are merged by name; a name that carries different types in different
 * inputs becomes one column per type, named name_type, as KQL does.
 */
export function unionRels(rels: Rel[]): Rel {
  const typesByName = new Map<string, Set<string>>();
  for (const r of rels) for (const c of r.columns) {
    const s = typesByName.get(c.name) ?? new Set<string>();
    s.add(c.type);
    typesByName.set(c.name, s);
  }
  const outName = (c: Column): string => ((typesByName.get(c.name)?.size ?? 1) > 1 ? `${c.name}_${c.type}` : c.name);
  const columns: Column[] = [];
  const index = new Map<string, number>();
  for (const r of rels) for (const c of r.columns) {
    const n = outName(c);
    if (!index.has(n)) {
      index.set(n, columns.length);
      columns.push({ name: n, type: c.type });
    }
  }
  const rows: unknown[][] = [];
  const anyIngest = rels.some((r) => r.ingest !== null);
  const ingest: (Date | null)[] | null = anyIngest ? [] : null;
  for (const r of rels) {
    const map = r.columns.map((c) => index.get(outName(c)) ?? 0);
    for (let i = 0; i < r.rows.length; i++) {
      const src = r.rows[i];
      const row = new Array<unknown>(columns.length).fill(null);
      for (let k = 0; k < map.length; k++) row[map[k]] = src[k];
      rows.push(row);
      if (ingest) ingest.push(r.ingest?.[i] ?? null);
    }
  }
  return { columns, rows, ingest };
}
