/**
 * What a failed incidents call means for the caller:
 * conflict: the etag was stale (someone else changed the incident): re-read and reconcile;
 * not-found: no such incident (or workspace); forbidden: the identity lacks the role;
 * invalid: the request was refused as malformed (a bug or bad input: do not retry);
 * transient: throttled, timed out, 5xx or unreachable: retry later.
 */
export type IncidentErrorKind = 'conflict' | 'not-found' | 'forbidden' | 'invalid' | 'transient';

export class IncidentApiError extends Error {
  constructor(
    readonly kind: IncidentErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string,
    /** From Retry-After, when the service sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'IncidentApiError';
  }
}

export function kindForStatus(status: number): IncidentErrorKind {
  // Sentinel answers a stale body etag with 409 Conflict; ARM's If-Match with 412.
  if (status === 409 || status === 412) return 'conflict';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'invalid';
}
