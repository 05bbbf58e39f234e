import type { Column } from '../types';
import type { Rel } from '../engine/relation';

/**
 * union (outer): columns are merged by name; a name that carries different types in different
 * inputs becomes one column per type, named name_type, as KQL does.
 */
export function unionRels(rels: Rel[]): Rel {
  const typesByName = new Map<string, Set<string>>();
  for (const r of rels)
    for (const c of r.columns) {
      const s = typesByName.get(c.name) ?? new Set<string>();
      s.add(c.type);
      typesByName.set(c.name, s);
    }
  const outName = (c: Column): string => ((typesByName.get(c.name)?.size ?? 1) > 1 ? `${c.name}_${c.type}` : c.name);
  const columns: Column[] = [];
  const index = new Map<string, number>();
  // A name split by type keeps all its variants together, where the name first appears.
  const order: string[] = [];
  for (const r of rels) for (const c of r.columns) if (!order.includes(c.name)) order.push(c.name);
  for (const name of order) {
    const types = [...(typesByName.get(name) ?? [])];
    for (const type of types) {
      const n = types.length > 1 ? `${name}_${type}` : name;
      index.set(n, columns.length);
      columns.push({ name: n, type: type as Column['type'] });
    }
  }
  // A cell an input lacks is null, except strings, which have no null in Kusto: "".
  const empty: unknown[] = columns.map((c) => (c.type === 'string' ? '' : null));
  const rows: unknown[][] = [];
  const anyIngest = rels.some((r) => r.ingest !== null);
  const ingest: (Date | null)[] | null = anyIngest ? [] : null;
  for (const r of rels) {
    const map = r.columns.map((c) => index.get(outName(c)) ?? 0);
    for (let i = 0; i < r.rows.length; i++) {
      const src = r.rows[i];
      const row = empty.slice();
      for (let k = 0; k < map.length; k++) row[map[k]] = src[k];
      rows.push(row);
      if (ingest) ingest.push(r.ingest?.[i] ?? null);
    }
  }
  return { columns, rows, ingest };
}
