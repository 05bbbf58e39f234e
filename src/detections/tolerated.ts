import { ENTITY_IDENTIFIERS, TACTICS } from './sentinel-vocabulary';

/**
 * What Sentinel itself accepts in a rule file but FirstWatch's strict schema would not:
 * fixed here, before validation, each with a warning, so a published rule loads as it ships.
 */

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

type Warn = (field: string, text: string) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function tolerateKind(raw: Record<string, unknown>, warn: Warn): void {
  if (typeof raw.kind !== 'string') return;
  const kind = raw.kind.trim().toLowerCase();
  if (kind === 'scheduled') {
    if (raw.kind !== 'Scheduled') warn('kind', `"${raw.kind}" read as Scheduled (Sentinel compares kinds without regard to case)`);
    raw.kind = 'Scheduled';
  } else if (kind === 'nrt') {
    // Near-real-time rules run every minute (nrt.ts); only the spelling is Sentinel's to forgive here.
    if (raw.kind !== 'NRT') warn('kind', `"${raw.kind}" read as NRT (Sentinel compares kinds without regard to case)`);
    raw.kind = 'NRT';
  }
}

/** "7d // a comment" in a timespan field: the comment is dropped. */
function tolerateTimespanComment(raw: Record<string, unknown>, field: string, warn: Warn): void {
  const v = raw[field];
  if (typeof v !== 'string') return;
  const m = /^\s*(\S+)\s+(\/\/|#).*$/.exec(v);
  if (m) {
    raw[field] = m[1];
    warn(field, `"${v}": the text after "${m[2]}" is a comment; read as ${m[1]}`);
  }
}

function tolerateTactics(raw: Record<string, unknown>, warn: Warn): void {
  if (!Array.isArray(raw.tactics)) return;
  const known = raw.tactics.filter((t): t is string => typeof t === 'string' && (TACTICS as readonly string[]).includes(t.trim()));
  for (const t of raw.tactics) {
    if (typeof t !== 'string' || !(TACTICS as readonly string[]).includes(t.trim())) {
      warn('tactics', `"${String(t)}" is not one of the tactics Sentinel's scheduled rules list; left out`);
    }
  }
  raw.tactics = known.map((t) => t.trim());
}

function tolerateTechniques(raw: Record<string, unknown>, warn: Warn): void {
  if (!Array.isArray(raw.relevantTechniques)) return;
  const ok: string[] = [];
  for (const t of raw.relevantTechniques) {
    if (typeof t === 'string' && TECHNIQUE.test(t.trim())) ok.push(t.trim());
    else warn('relevantTechniques', `"${String(t)}" is not a MITRE technique id such as T1651 or T1021.008; left out`);
  }
  raw.relevantTechniques = ok;
}

/** Identifiers spelled with another case (ResourceID) are read as Sentinel's spelling. */
function tolerateIdentifiers(raw: Record<string, unknown>, warn: Warn): void {
  if (!Array.isArray(raw.entityMappings)) return;
  raw.entityMappings.forEach((m: unknown, i) => {
    if (!isRecord(m) || typeof m.entityType !== 'string' || !Array.isArray(m.fieldMappings)) return;
    const allowed = ENTITY_IDENTIFIERS[m.entityType];
    if (allowed === undefined) return;
    m.fieldMappings.forEach((f: unknown, j) => {
      if (!isRecord(f) || typeof f.identifier !== 'string' || allowed.includes(f.identifier)) return;
      const fixed = allowed.find((a) => a.toLowerCase() === (f.identifier as string).toLowerCase());
      if (fixed !== undefined) {
        warn(`entityMappings[${i}].fieldMappings[${j}].identifier`, `"${f.identifier}" read as ${fixed}`);
        f.identifier = fixed;
      }
    });
    if (m.fieldMappings.length > 3) {
      warn(
        `entityMappings[${i}].fieldMappings`,
        `${m.fieldMappings.length} identifiers; Sentinel documents at most 3 per entity (all are used)`,
      );
    }
  });
}

/** Applies every tolerance to `raw` (a parsed rule file) in place. */
export function tolerate(raw: Record<string, unknown>, warn: Warn): void {
  tolerateKind(raw, warn);
  tolerateTimespanComment(raw, 'queryFrequency', warn);
  tolerateTimespanComment(raw, 'queryPeriod', warn);
  tolerateTactics(raw, warn);
  tolerateTechniques(raw, warn);
  tolerateIdentifiers(raw, warn);
}
