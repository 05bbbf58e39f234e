import type { ColumnType } from './types';
import { formatDatetimeIso, Timespan, toJsonValue, toKqlString } from './values';

/**
 * One cell as Log Analytics sends it: datetime → ISO string, dynamic → JSON text,
 * timespan → "[-][d.]hh:mm:ss[.fffffff]", bool → boolean, numbers → number, null → null.
 */
export function encodeCell(value: unknown, type: ColumnType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDatetimeIso(value);
      return typeof value === 'string' ? value : null;
    case 'timespan':
      if (value instanceof Timespan) return value.toString();
      return typeof value === 'string' ? value : null;
    case 'dynamic':
      return JSON.stringify(toJsonValue(value));
    case 'bool':
      return typeof value === 'boolean' ? value : null;
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': {
      if (typeof value !== 'number') return null;
      // JSON has no NaN/Infinity; Log Analytics sends them as strings.
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return value;
    }
    default:
      return toKqlString(value);
  }
}
