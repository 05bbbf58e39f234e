import type { Expr } from '../ast';

/**
 * A default column name from an argument: `x` → "x", `a.b` → "a_b", otherwise "". The object of
 * a property access may be a name-keeping conversion: `parse_json(a).b` → "a_b", as Kusto names it.
 */
export function exprName(e: Expr): string {
  if (e.k === 'name') return e.name;
  if (e.k === 'member') {
    const inner = keptName(e.obj);
    return inner ? `${inner}_${e.name}` : '';
  }
  if (e.k === 'index' && e.index.k === 'lit' && (typeof e.index.value === 'string' || typeof e.index.value === 'number')) {
    const inner = keptName(e.obj);
    // a[0] → a_0; Kusto drops a negative index from the name: a[-1] → a_ (as Microsoft's analyzer names it).
    const v = e.index.value;
    const part = typeof v === 'number' ? (v >= 0 && Number.isInteger(v) ? String(v) : '') : v;
    return inner ? `${inner}_${part}` : '';
  }
  return '';
}

/** Functions whose result keeps the name of the column they convert, as KQL names it. */
const NAME_KEEPING = new Set([
  'tostring',
  'toint',
  'tolong',
  'toreal',
  'todouble',
  'todecimal',
  'todatetime',
  'totimespan',
  'tobool',
  'toboolean',
  'parse_json',
  'parsejson',
  'todynamic',
  'split',
  'format_datetime',
  'bin',
  'floor',
  'startofday',
]);

/**
 * The name KQL gives an unnamed column: `x` → x, `a.b` → a_b, `tostring(x)` → x, `strlen(x)` → strlen_x,
 * `ingestion_time()` → $IngestionTime; "" when KQL would number it (Column1, ...).
 */
export function defaultColumnName(e: Expr): string {
  const kept = keptName(e);
  if (kept) return kept;
  if (e.k === 'call') {
    if (e.name === 'ingestion_time' && e.args.length === 0) return '$IngestionTime';
    const inner = e.args[0] ? keptName(e.args[0]) : '';
    if (inner && e.name === 'strlen') return `strlen_${inner}`;
  }
  return '';
}

/** The name an expression keeps through conversions: `bin(startofday(t), 1d)` → "t", `tostring(parse_json(a).b)` → "a_b". */
function keptName(e: Expr): string {
  if (e.k === 'call') return NAME_KEEPING.has(e.name) && e.args[0] ? keptName(e.args[0]) : '';
  return exprName(e);
}

/** Hands out default names for one operator: Column1, Column2, ... and x1, x2 for repeats. */
export class ColumnNamer {
  private unnamed = 0;
  constructor(private readonly taken: Set<string>) {}

  name(explicit: string | undefined, e: Expr): string {
    if (explicit !== undefined) {
      this.taken.add(explicit);
      return explicit;
    }
    let base = defaultColumnName(e);
    if (!base) {
      do base = `Column${++this.unnamed}`;
      while (this.taken.has(base));
      this.taken.add(base);
      return base;
    }
    let name = base;
    for (let n = 1; this.taken.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }
}
