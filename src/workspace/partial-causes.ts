/**
 * The causes of a Log Analytics partial result, read from the raw `error` the
 * service sent beside the tables: `details[].innererror` with a severity
 * (Kusto: 2 Error, 3 Warning, 4 Information). The SDK keeps only the top
 * message ("There were some errors when processing your query."), which says
 * nothing about whether rows were lost.
 */
export interface PartialCause {
  severity: 'Error' | 'Warning';
  code: string;
  message: string;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The innermost innererror of a detail: where the engine says what happened. */
function innermost(detail: Record<string, unknown>): Record<string, unknown> {
  let node = detail;
  for (let depth = 0; depth < 8; depth++) {
    const inner = record(node.innererror);
    if (inner === undefined) break;
    node = inner;
  }
  return node;
}

function severityOf(node: Record<string, unknown>): 'Error' | 'Warning' {
  const name = typeof node.severityName === 'string' ? node.severityName.toLowerCase() : undefined;
  if (name === 'warning' || name === 'information' || name === 'info' || name === 'verbose') return 'Warning';
  if (name !== undefined) return 'Error';
  // Unknown severity: assume rows were lost.
  return typeof node.severity === 'number' && node.severity >= 3 ? 'Warning' : 'Error';
}

/** Every cause of a partial result; a body without details is one Error (nothing says it was harmless). */
export function partialCauses(error: unknown): PartialCause[] {
  const e = record(error);
  if (e === undefined)
    return [{ severity: 'Error', code: 'PartialError', message: 'the workspace returned a partial result without saying why' }];
  const details = Array.isArray(e.details) ? e.details.map(record).filter((d): d is Record<string, unknown> => d !== undefined) : [];
  if (details.length === 0) {
    const inner = innermost(e);
    return [
      {
        severity: inner === e ? 'Error' : severityOf(inner),
        code: text(inner.code) ?? text(e.code) ?? 'PartialError',
        message: text(inner.message) ?? text(e.message) ?? 'partial result',
      },
    ];
  }
  return details.map((d) => {
    const inner = innermost(d);
    return {
      severity: severityOf(inner),
      code: text(inner.code) ?? text(d.code) ?? 'EngineError',
      message: text(inner.message) ?? text(d.message) ?? 'partial result',
    };
  });
}
