import { randomUUID } from 'node:crypto';

/**
 * A 200 answer's `error` as Log Analytics sends it: code PartialError, a fixed
 * top message, and each cause in `details[]` with the engine's `innererror`
 * (code, message, severity 2 = Error or 3 = Warning, severityName). Checked
 * against the Log Analytics API's documented response format (a 200 that also
 * carries an error) and responses recorded from the service; the top-level
 * error never carries `innererror` itself.
 */
export interface PartialCause {
  severity: 'Error' | 'Warning';
  /** The engine's code ("E_QUERY_RESULT_SET_TOO_LARGE"), or Kusto's numeric semantic code as text. */
  code: string;
  message: string;
}

export const PARTIAL_TOP_MESSAGE = 'There were some errors when processing your query.';
/** What Kusto's semantic warnings (a fuzzy union leg that did not resolve) carry as their code. */
export const SEMANTIC_WARNING_CODE = '-2133196790';
export const RESULT_TOO_LARGE = 'E_QUERY_RESULT_SET_TOO_LARGE';

export function rowLimitCause(maxRows: number): PartialCause {
  return {
    severity: 'Error',
    code: RESULT_TOO_LARGE,
    message: `Query result set has exceeded the internal record count limit ${maxRows} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`,
  };
}

export function sizeLimitCause(maxBytes: number): PartialCause {
  return {
    severity: 'Error',
    code: RESULT_TOO_LARGE,
    message: `Query result set has exceeded the internal data size limit ${maxBytes} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`,
  };
}

export function partialErrorBody(causes: readonly PartialCause[]): { error: Record<string, unknown> } {
  return {
    error: {
      code: 'PartialError',
      message: PARTIAL_TOP_MESSAGE,
      correlationId: randomUUID(),
      details: causes.map((c) => ({
        code: 'EngineError',
        message: 'Something went wrong processing your query on the server.',
        innererror: { code: c.code, message: c.message, severity: c.severity === 'Error' ? 2 : 3, severityName: c.severity },
      })),
    },
  };
}
