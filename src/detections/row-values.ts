/** Reading query result cells, which arrive as Date, parsed JSON or JSON text. */

export function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** A cell as text: Dates as ISO, objects as JSON, null/undefined as ''. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (x instanceof Date ? x.toISOString() : x));
  return String(v);
}

/** A dynamic cell as a value: JSON text is parsed, anything else returned as is. */
export function dynamicValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

export function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** The row with Dates as ISO strings (nested too), safe to store as JSON. */
export function rawRow(row: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(cellText(row)) as Record<string, unknown>;
}

/** True for boolean true and the strings "True"/"true" (UEBA writes both). */
export function isTrueish(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}
